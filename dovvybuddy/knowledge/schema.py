"""The schema of the curated knowledge base (knowledge/README.md), written down in code.

Each kind of document has its required and optional fields, each field a
check that returns what is wrong with a value; the site facts the checks and
the site suggestions share (depth limits, hazards, restrictions) are here
too. The product's words (destinations, certification levels) come from
`dovvybuddy.knowledge.vocabulary`; `dovvybuddy.knowledge.validation` applies
all of this to the documents (`make validate-knowledge`).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from dovvybuddy.knowledge.vocabulary import (
    AGENCIES,
    CERTIFICATION_LEVELS,
    DESTINATIONS,
    PARTNER_SERVICES,
    SPECIALTY_LEVELS,
)

CERTIFICATION_DEPTH_LIMITS_M: dict[str, int] = {
    "discover_scuba": 12,
    "open_water": 18,
    "advanced_open_water": 30,
    "rescue": 30,
    "divemaster": 30,
    "deep": 40,
}
"""The deepest a site may go for divers of each level (metres), as the agencies state it.

PADI and SSI: a try dive stays within 12 m, Open Water within 18 m, Advanced
Open Water within 30 m, the Deep specialty within 40 m
(https://www.padi.com/courses/open-water-diver,
https://www.padi.com/courses/advanced-open-water-diver,
https://www.padi.com/courses/deep-diver,
https://www.padi.com/courses/discover-scuba-diving). Rescue and Divemaster
add no depth of their own: without the Deep specialty they stay at 30 m.
"""

HAZARDS: tuple[str, ...] = (
    "overhead_environment",
    "cavern",
    "cave",
    "wreck_penetration",
    "strong_current",
    "down_current",
    "depth_beyond_30m",
    "boat_traffic",
    "restricted_entry",
)
"""The fixed vocabulary of a dive site's `hazards` (knowledge/README.md)."""

OVERHEAD_HAZARDS: frozenset[str] = frozenset(
    {"overhead_environment", "cavern", "cave", "wreck_penetration"}
)
"""Hazards no certification level opens on its own: such a site needs `restricted_to`."""

RESTRICTIONS: dict[str, str] = {
    "cave": "certified cavern or cave divers with a local guide",
    "wreck_penetration": "divers with wreck penetration training and a guide",
    "deep": "divers with the Deep specialty",
}
"""The specialties that alone open a restricted site, and who they mean, said to a diver."""

DIFFICULTIES: tuple[str, ...] = ("beginner", "intermediate", "advanced")
SITE_INTERESTS: tuple[str, ...] = (
    "turtles",
    "sharks",
    "schooling-fish",
    "macro",
    "wreck",
    "wall",
    "drift",
    "beginner-friendly",
)
"""The fixed vocabulary of a dive site's `interests` (what a diver may come to see or do)."""
TRAVEL_ORIGINS: tuple[str, ...] = ("kuala_lumpur", "singapore", "kota_kinabalu")
"""Where a destination's `travel` times start from (the usual gateways)."""
ACCESS_TYPES: tuple[str, ...] = ("shore", "boat")
MAX_SITE_DEPTH_M = CERTIFICATION_DEPTH_LIMITS_M["deep"]  # the recreational limit

FieldCheck = Callable[[str, Any], list[str]]
"""Checks the value of the field with the given name; returns what is wrong with it."""

_KEBAB_CASE = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_HTTP_URL = re.compile(r"https?://[^\s/]+\S*")
_YEAR_MONTH = re.compile(r"(19|20)\d\d-(0[1-9]|1[0-2])")
_EMAIL_ADDRESS = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
_NUMBER = r"(\d+(?:\.\d+)?)"
# "18 m", "18m", "18 metres", "18-25 m", "18–25 m", "18 to 25 m".
DEPTH_MENTION = re.compile(
    rf"(?<![\w.]){_NUMBER}(?:\s*(?:-|–|to)\s*{_NUMBER})?\s*(?:m|metres?|meters?)\b"
)


def _is_integer(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _text(name: str, value: Any) -> list[str]:
    if isinstance(value, str) and value.strip():
        return []
    return [f"{name} must be a non-empty string, got {value!r}"]


def _http_url(name: str, value: Any) -> list[str]:
    if isinstance(value, str) and _HTTP_URL.fullmatch(value):
        return []
    return [f"{name} must be an http(s) URL, got {value!r}"]


def _email_address(name: str, value: Any) -> list[str]:
    if isinstance(value, str) and _EMAIL_ADDRESS.fullmatch(value):
        return []
    return [f"{name} must be an email address, got {value!r}"]


def _kebab_case(name: str, value: Any) -> list[str]:
    if isinstance(value, str) and _KEBAB_CASE.fullmatch(value):
        return []
    return [f"{name} must be kebab-case (like 'tiger-reef'), got {value!r}"]


def _iso_date(name: str, value: Any) -> list[str]:
    # YAML reads an unquoted 2026-11-30 as a date; a datetime is more than a date.
    if isinstance(value, date) and not isinstance(value, datetime):
        return []
    return [f"{name} must be an unquoted ISO date (YYYY-MM-DD), got {value!r}"]


def _year_month(name: str, value: Any) -> list[str]:
    if isinstance(value, str) and _YEAR_MONTH.fullmatch(value):
        return []
    return [f'{name} must be a quoted year and month ("YYYY-MM"), got {value!r}']


def _year(name: str, value: Any) -> list[str]:
    if _is_integer(value) and 1900 <= value <= 2100:
        return []
    return [f"{name} must be a year, got {value!r}"]


def _true(name: str, value: Any) -> list[str]:
    return [] if value is True else [f"{name} must be true, got {value!r}"]


def _month(name: str, value: Any) -> list[str]:
    if _is_integer(value) and 1 <= value <= 12:
        return []
    return [f"{name} must be a month number 1-12, got {value!r}"]


def _dive_count(name: str, value: Any) -> list[str]:
    if _is_integer(value) and value >= 0:
        return []
    return [f"{name} must be an integer >= 0, got {value!r}"]


def _depth_range(name: str, value: Any) -> list[str]:
    if (
        isinstance(value, list)
        and len(value) == 2
        and all(_is_number(depth) for depth in value)
        and 0 <= value[0] < value[1] <= MAX_SITE_DEPTH_M
    ):
        return []
    return [f"{name} must be [min, max] with 0 <= min < max <= {MAX_SITE_DEPTH_M}, got {value!r}"]


def _number_range(name: str, value: Any) -> list[str]:
    if (
        isinstance(value, list)
        and len(value) == 2
        and all(_is_number(number) for number in value)
        and 0 <= value[0] <= value[1]
    ):
        return []
    return [f"{name} must be [low, high] with 0 <= low <= high, got {value!r}"]


def _bool(name: str, value: Any) -> list[str]:
    return [] if isinstance(value, bool) else [f"{name} must be true or false, got {value!r}"]


def _code(codes: tuple[str, ...]) -> FieldCheck:
    """A check that the value is one of `codes`."""

    def check(name: str, value: Any) -> list[str]:
        if isinstance(value, str) and value in codes:
            return []
        return [f"{name} must be one of {', '.join(codes)}; got {value!r}"]

    return check


def _list_of(item_check: FieldCheck, *, may_be_empty: bool = False) -> FieldCheck:
    """A check that the value is a list (non-empty unless `may_be_empty`) of valid items."""

    def check(name: str, value: Any) -> list[str]:
        if not isinstance(value, list):
            return [f"{name} must be a list, got {value!r}"]
        if not value and not may_be_empty:
            return [f"{name} must not be empty"]
        return [
            problem
            for index, item in enumerate(value)
            for problem in item_check(f"{name}[{index}]", item)
        ]

    return check


def _mapping_of(
    key_checks: dict[str, FieldCheck], optional: dict[str, FieldCheck] | None = None
) -> FieldCheck:
    """A check: a mapping with exactly the keys of `key_checks` (and any `optional`), each valid."""
    optional = optional or {}

    def check(name: str, value: Any) -> list[str]:
        if not isinstance(value, dict):
            return [f"{name} must be a mapping with {', '.join(key_checks)}, got {value!r}"]
        known = key_checks | optional
        problems = [f"{name} has unknown key {key!r}" for key in value if key not in known]
        for key, key_check in known.items():
            if key in value:
                problems.extend(key_check(f"{name}.{key}", value[key]))
            elif key in key_checks:
                problems.append(f"{name} is missing {key!r}")
        return problems

    return check


_SOURCE = _mapping_of({"title": _text, "url": _http_url})
CHAMBER_STATUSES: tuple[str, ...] = ("listed", "reported", "unconfirmed")
"""How sure the knowledge base is that a chamber exists: named by an official list,
reported in the news or by a specialist, or known only from an old informal report."""
DATED_FACT_TOPICS: tuple[str, ...] = ("fees", "quota", "ferry")


_DELIVERY_CHANNELS: dict[str, FieldCheck] = {"email": _email_address, "webhook": _http_url}


def _delivery(name: str, value: Any) -> list[str]:
    if (
        not isinstance(value, dict)
        or len(value) != 1
        or next(iter(value)) not in _DELIVERY_CHANNELS
    ):
        return [f"{name} must be exactly one of {{email: ...}} or {{webhook: ...}}, got {value!r}"]
    [(channel, target)] = value.items()
    return _DELIVERY_CHANNELS[channel](f"{name}.{channel}", target)


@dataclass(frozen=True)
class FieldRule:
    """How one front matter field is checked, and whether a document must have it."""

    check: FieldCheck
    required: bool = True


@dataclass(frozen=True)
class KindSchema:
    """Where documents of one kind live and the fields they add to the common ones."""

    location: str
    """Path pattern relative to knowledge/, one `*` per folder or file name."""
    fields: dict[str, FieldRule]


_MONTHS = FieldRule(_list_of(_month))
_NO_EXTRA_FIELDS: dict[str, FieldRule] = {}
# Facts that change over time carry their own source and the month they were
# last checked against it ("verified"), so staleness shows fact by fact.
_CHAMBER = _mapping_of(
    {
        "name": _text,
        "town": _text,
        "operator": _text,
        "how_to_reach": _text,
        "status": _code(CHAMBER_STATUSES),
        "source": _SOURCE,
        "verified": _year_month,
    },
    optional={"phone": _text},
)
_CLOSURE = _mapping_of(
    {
        "months": _list_of(_month),
        "year": _year,
        "what": _text,
        "source": _SOURCE,
        "verified": _year_month,
    }
)
_DATED_FACT = _mapping_of(
    {
        "topic": _code(DATED_FACT_TOPICS),
        "fact": _text,
        "source": _SOURCE,
        "verified": _year_month,
    }
)
# Season data, read by trip matching (dovvybuddy/trips/): when a destination
# dives, is limited or closed (the monsoon), what permits it needs, its water
# by month and how long it takes to reach from the usual gateways.
_SEASON = _mapping_of(
    {
        "months": _list_of(_month),
        "limited_months": _list_of(_month, may_be_empty=True),
        "closed_months": _list_of(_month, may_be_empty=True),
        "what": _text,
        "source": _SOURCE,
        "verified": _year_month,
    }
)
_PERMIT = _mapping_of(
    {"rule": _text, "book_ahead": _bool, "source": _SOURCE, "verified": _year_month}
)
_CONDITIONS = _mapping_of(
    {
        "months": _list_of(_month),
        "water_temperature_c": _number_range,
        "source": _SOURCE,
        "verified": _year_month,
    },
    optional={"visibility_m": _number_range},
)
_TRAVEL = _mapping_of(
    {
        "from": _code(TRAVEL_ORIGINS),
        "hours": _number_range,
        "how": _text,
        "source": _SOURCE,
        "verified": _year_month,
    }
)

SCHEMAS: dict[str, KindSchema] = {
    "certification": KindSchema(
        "certifications/*.md",
        {
            "level": FieldRule(_code(CERTIFICATION_LEVELS + SPECIALTY_LEVELS)),
            "agencies": FieldRule(_list_of(_code(AGENCIES))),
        },
    ),
    "equivalency": KindSchema(
        "equivalency/*.md", {"agencies": FieldRule(_list_of(_code(AGENCIES)))}
    ),
    "comfort": KindSchema("comfort/*.md", _NO_EXTRA_FIELDS),
    "safety": KindSchema("safety/*.md", _NO_EXTRA_FIELDS),
    "emergency_contacts": KindSchema(
        "safety/*.md",
        {
            "national_numbers": FieldRule(
                _list_of(_mapping_of({"country": _text, "number": _text}))
            ),
            "dan_hotlines": FieldRule(
                _list_of(_mapping_of({"region": _text, "name": _text, "phone": _text}))
            ),
        },
    ),
    "gear": KindSchema("gear/*.md", _NO_EXTRA_FIELDS),
    # A logistics guide about one destination (getting there, fees) names it,
    # so questions about that destination find it; its fares and timetables
    # change, so they are dated facts like a destination's.
    "logistics": KindSchema(
        "logistics/*.md",
        {
            "destination": FieldRule(_code(DESTINATIONS), required=False),
            "dated_facts": FieldRule(_list_of(_DATED_FACT, may_be_empty=True), required=False),
        },
    ),
    "destination": KindSchema(
        "destinations/*/overview.md",
        {
            "destination": FieldRule(_code(DESTINATIONS)),
            "country": FieldRule(_text),
            "region": FieldRule(_text),
            "best_months": _MONTHS,
            "emergency_number": FieldRule(_text),
            "chambers": FieldRule(_list_of(_CHAMBER)),
            "closures": FieldRule(_list_of(_CLOSURE, may_be_empty=True), required=False),
            "dated_facts": FieldRule(_list_of(_DATED_FACT, may_be_empty=True), required=False),
            "season": FieldRule(_SEASON),
            "permits": FieldRule(_list_of(_PERMIT)),
            "conditions": FieldRule(_list_of(_CONDITIONS)),
            "travel": FieldRule(_list_of(_TRAVEL)),
        },
    ),
    "dive_site": KindSchema(
        "destinations/*/sites/*.md",
        {
            "site_id": FieldRule(_kebab_case),
            "destination": FieldRule(_code(DESTINATIONS)),
            "min_certification": FieldRule(_code(CERTIFICATION_LEVELS)),
            "min_logged_dives": FieldRule(_dive_count, required=False),
            "depth_range_m": FieldRule(_depth_range),
            "difficulty": FieldRule(_code(DIFFICULTIES)),
            "access": FieldRule(_code(ACCESS_TYPES)),
            "highlights": FieldRule(_list_of(_text)),
            "hazards": FieldRule(_list_of(_code(HAZARDS), may_be_empty=True)),
            "hazard_notes": FieldRule(_list_of(_text), required=False),
            "restricted_to": FieldRule(_code(tuple(RESTRICTIONS)), required=False),
            "restriction_note": FieldRule(_text, required=False),
            "best_months": _MONTHS,
            "interests": FieldRule(_list_of(_code(SITE_INTERESTS), may_be_empty=True)),
        },
    ),
    "partner": KindSchema(
        "partners/*.md",
        {
            "partner_id": FieldRule(_text),
            "name": FieldRule(_text),
            "destination": FieldRule(_code(DESTINATIONS)),
            "demo": FieldRule(_true),
            "delivery": FieldRule(_delivery),
            "courses": FieldRule(_list_of(_code(CERTIFICATION_LEVELS), may_be_empty=True)),
            "services": FieldRule(_list_of(_code(tuple(PARTNER_SERVICES)))),
            "languages": FieldRule(_list_of(_text)),
        },
    ),
}
"""Every kind with its location and type-specific fields (knowledge/README.md)."""

KINDS: tuple[str, ...] = tuple(SCHEMAS)

COMMON_FIELDS: dict[str, FieldRule] = {
    "kind": FieldRule(_code(KINDS)),
    "title": FieldRule(_text),
    "topics": FieldRule(_list_of(_text)),
    "sources": FieldRule(_list_of(_mapping_of({"title": _text, "url": _http_url}))),
    "last_reviewed": FieldRule(_iso_date),
}
"""Fields every document has, whatever its kind."""

ALLOWED_FIELDS: dict[str, frozenset[str]] = {
    kind: frozenset(COMMON_FIELDS) | frozenset(schema.fields) for kind, schema in SCHEMAS.items()
}
