"""Season and site data for trip matching, read from knowledge/ front matter.

Each destination overview carries its `season` (months in season, limited
and closed), `permits`, `conditions` (water temperature and visibility by
month), `travel` times from the usual gateways and dated `closures`; each
site its level, depth, best months and `interests` tags
(dovvybuddy/knowledge/sites.py reads the sites). The schema and its
checks are in dovvybuddy/knowledge/validation.py (`make validate-knowledge`).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache

from dovvybuddy.knowledge.documents import Document, load_documents
from dovvybuddy.knowledge.sites import DiveSite, dive_sites_from
from dovvybuddy.knowledge.vocabulary import DESTINATIONS

# Restrictions that close only the inside of a site: the outside is an ordinary dive.
OUTSIDE_DIVE_RESTRICTIONS = frozenset({"wreck_penetration"})


class SeasonStatus(StrEnum):
    OPEN = "open"
    LIMITED = "limited"
    CLOSED = "closed"


@dataclass(frozen=True)
class Conditions:
    months: frozenset[int]
    water_temperature_c: tuple[float, float]
    visibility_m: tuple[float, float] | None


@dataclass(frozen=True)
class Travel:
    hours: tuple[float, float]
    how: str


@dataclass(frozen=True)
class Closure:
    months: frozenset[int]
    what: str


@dataclass(frozen=True)
class Season:
    """One destination's year: when it dives, what it needs, how to get there."""

    destination: str
    months: frozenset[int]
    limited_months: frozenset[int]
    closed_months: frozenset[int]
    best_months: frozenset[int]
    what: str
    permits: tuple[str, ...]
    permit_booked_ahead: bool
    conditions: tuple[Conditions, ...]
    travel: dict[str, Travel]
    closures: tuple[Closure, ...]

    def status(self, month: int) -> SeasonStatus:
        if month in self.closed_months:
            return SeasonStatus.CLOSED
        if month in self.limited_months:
            return SeasonStatus.LIMITED
        return SeasonStatus.OPEN

    def conditions_in(self, month: int) -> Conditions | None:
        return next((c for c in self.conditions if month in c.months), None)

    def closures_in(self, month: int) -> tuple[Closure, ...]:
        return tuple(c for c in self.closures if month in c.months)

    @classmethod
    def from_document(cls, document: Document) -> Season:
        meta = document.meta
        season = meta["season"]
        return cls(
            destination=meta["destination"],
            months=frozenset(season["months"]),
            limited_months=frozenset(season["limited_months"]),
            closed_months=frozenset(season["closed_months"]),
            best_months=frozenset(meta["best_months"]),
            what=season["what"],
            permits=tuple(p["rule"] for p in meta["permits"]),
            permit_booked_ahead=any(p["book_ahead"] for p in meta["permits"]),
            conditions=tuple(
                Conditions(
                    frozenset(c["months"]),
                    _pair(c["water_temperature_c"]),
                    _pair(c["visibility_m"]) if "visibility_m" in c else None,
                )
                for c in meta["conditions"]
            ),
            travel={t["from"]: Travel(_pair(t["hours"]), t["how"]) for t in meta["travel"]},
            closures=tuple(
                Closure(frozenset(c["months"]), c["what"]) for c in meta.get("closures") or []
            ),
        )


def fits_for_trip(site: DiveSite, level: str, dive_count: float | None) -> bool:
    """Within the diver's certification and logged dives.

    A wreck whose inside needs penetration training is dived from the
    outside at its level (the reply says so); a cavern or cave never fits.
    """
    if site.restricted and site.restricted_to not in OUTSIDE_DIVE_RESTRICTIONS:
        return False
    return site.within_level(level, dive_count)


@dataclass(frozen=True)
class TripData:
    seasons: dict[str, Season]
    sites: tuple[DiveSite, ...]

    def sites_of(self, destination: str) -> tuple[DiveSite, ...]:
        return tuple(s for s in self.sites if s.destination == destination)


def _pair(values: list[float]) -> tuple[float, float]:
    return float(values[0]), float(values[1])


def trip_data_from(documents: list[Document]) -> TripData:
    seasons = {
        d.meta["destination"]: Season.from_document(d) for d in documents if d.kind == "destination"
    }
    return TripData(
        seasons={code: seasons[code] for code in DESTINATIONS if code in seasons},
        sites=dive_sites_from(documents),
    )


@lru_cache(maxsize=1)
def trip_data() -> TripData:
    """The season and site data of knowledge/, read once per process."""
    return trip_data_from(load_documents())
