"""Dive sites, read from the front matter of knowledge/destinations/*/sites/*.md.

One model for every reader: site suggestions (actions/site_suggestions.py)
and trip matching (dovvybuddy/trips/) each decide from it which sites suit a
diver. The schema and its checks are in dovvybuddy/knowledge/validation.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from dovvybuddy.knowledge.documents import Document, load_documents
from dovvybuddy.knowledge.vocabulary import CERTIFICATION_LEVELS, DESTINATION_NAMES


@dataclass(frozen=True)
class DiveSite:
    site_id: str
    name: str
    destination: str
    min_certification: str
    min_logged_dives: int
    depth_range_m: tuple[float, float]
    difficulty: str
    access: str
    highlights: tuple[str, ...]
    best_months: frozenset[int]
    interests: frozenset[str]
    restricted_to: str | None = None
    """The specialty that opens the site (a cavern, a wreck's inside), if any."""
    restriction_note: str = ""
    island: str = ""
    """The island after the card title's comma, unless the destination's name says it."""

    @property
    def where(self) -> str:
        """Where a reply places the site: "<island>, <destination>", or the destination."""
        name = DESTINATION_NAMES[self.destination]
        return f"{self.island}, {name}" if self.island else name

    @property
    def restricted(self) -> bool:
        return self.restricted_to is not None

    def within_level(self, level: str, dive_count: float | None) -> bool:
        """Within the diver's certification and logged dives (a restriction aside)."""
        if CERTIFICATION_LEVELS.index(self.min_certification) > CERTIFICATION_LEVELS.index(level):
            return False
        return dive_count is None or dive_count >= self.min_logged_dives

    def describe(self) -> str:
        low, high = (f"{value:g}" for value in self.depth_range_m)
        return (
            f"{self.name} ({self.where}): {low}-{high} m, "
            f"{self.difficulty}, {self.access} dive; {self.highlights[0]}"
        )

    @classmethod
    def from_document(cls, document: Document) -> DiveSite:
        meta = document.meta
        return cls(
            site_id=meta["site_id"],
            name=document.title.split(",")[0],
            destination=meta["destination"],
            min_certification=meta["min_certification"],
            min_logged_dives=int(meta.get("min_logged_dives") or 0),
            depth_range_m=(float(meta["depth_range_m"][0]), float(meta["depth_range_m"][1])),
            difficulty=meta["difficulty"],
            access=meta["access"],
            highlights=tuple(meta["highlights"]),
            best_months=frozenset(meta["best_months"]),
            interests=frozenset(meta.get("interests") or ()),
            restricted_to=meta.get("restricted_to"),
            restriction_note=str(meta.get("restriction_note") or ""),
            island=_island(document.title, meta["destination"]),
        )


def _island(title: str, destination: str) -> str:
    """The island after the title's comma, unless the destination's name already says it
    (an island of the same name as the destination, or the destination's own islands)."""
    _, comma, island = title.rpartition(",")
    island = island.strip()
    if not comma or not island:
        return ""
    first_word = island.split()[0].lower()
    return "" if first_word in DESTINATION_NAMES[destination].lower() else island


def dive_sites_from(documents: list[Document]) -> tuple[DiveSite, ...]:
    return tuple(DiveSite.from_document(d) for d in documents if d.kind == "dive_site")


@lru_cache(maxsize=1)
def dive_sites() -> tuple[DiveSite, ...]:
    """Every covered dive site, read once per process."""
    return dive_sites_from(load_documents())
