"""Dated facts about each destination, read from its overview's front matter.

Recompression chambers (nearest first) and closure periods are data, not
prose, so the emergency reply and the answers can name them exactly as the
knowledge base does, with the month each was last verified.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from dovvybuddy.knowledge.documents import Document

MONTH_NAMES = (
    "January February March April May June July August September October November December"
).split()
# "nov", "november" and common misspellings name a month; "may" is usually a verb, so it
# counts only after a word that introduces a time ("in may", "during May").
_MONTH_WORDS = {name.lower(): number for number, name in enumerate(MONTH_NAMES, start=1)}
_MONTH_WORDS |= {name.lower()[:3]: number for number, name in enumerate(MONTH_NAMES, start=1)}
_MONTH_WORDS |= {"sept": 9, "novemeber": 11, "decemeber": 12}
del _MONTH_WORDS["may"]
_WORD = re.compile(r"[a-z]+")
_MAY = re.compile(r"\b(?:in|during|of|early|late|mid|end|until|till|through)[ -]may\b")


@dataclass(frozen=True)
class Chamber:
    """A recompression facility a destination's divers may be referred to."""

    name: str
    town: str
    operator: str
    how_to_reach: str
    status: str  # listed, reported or unconfirmed (knowledge/README.md)
    verified: str

    @classmethod
    def from_meta(cls, meta: dict[str, Any]) -> Chamber:
        return cls(
            name=str(meta["name"]),
            town=str(meta["town"]),
            operator=str(meta["operator"]),
            how_to_reach=str(meta["how_to_reach"]),
            status=str(meta["status"]),
            verified=str(meta["verified"]),
        )


@dataclass(frozen=True)
class Closure:
    """A period a destination (or part of it) was closed to diving, with its year."""

    months: tuple[int, ...]
    year: int
    what: str
    verified: str

    @classmethod
    def from_meta(cls, meta: dict[str, Any]) -> Closure:
        return cls(
            months=tuple(int(m) for m in meta["months"]),
            year=int(meta["year"]),
            what=str(meta["what"]),
            verified=str(meta["verified"]),
        )


def _overviews(documents: list[Document]) -> list[Document]:
    return [d for d in documents if d.kind == "destination" and d.destination]


def chambers_by_destination(documents: list[Document]) -> dict[str, tuple[Chamber, ...]]:
    """Each destination's chambers, nearest first, as its overview lists them."""
    return {
        str(d.destination): tuple(Chamber.from_meta(c) for c in d.meta.get("chambers") or [])
        for d in _overviews(documents)
    }


def closures_by_destination(documents: list[Document]) -> dict[str, tuple[Closure, ...]]:
    """Each destination's known closure periods, as its overview lists them."""
    return {
        str(d.destination): tuple(Closure.from_meta(c) for c in d.meta.get("closures") or [])
        for d in _overviews(documents)
    }


def months_named(text: str) -> set[int]:
    """The month numbers a message names ("in Nov", "november or december")."""
    lowered = text.lower()
    months = {_MONTH_WORDS[word] for word in _WORD.findall(lowered) if word in _MONTH_WORDS}
    return months | ({5} if _MAY.search(lowered) else set())
