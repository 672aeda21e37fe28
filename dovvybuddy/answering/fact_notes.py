"""Safety and closure notes added to an answer from the knowledge base.

An answer quotes a few sentences, which may leave out what matters most: that
a site it cites is only for divers with a specialty, or that the destination
was closed in the month the diver asks about. These notes come from the
front matter, so they say the same thing the site suggestions and the
destination overviews say.
"""

from __future__ import annotations

from functools import lru_cache

from dovvybuddy.knowledge.destination_facts import Closure, closures_by_destination, months_named
from dovvybuddy.knowledge.documents import load_documents
from dovvybuddy.knowledge.passages import Passage

# The passages an answer's source line can cite (answering.py cites at most two).
CITED_PASSAGES = 2


@lru_cache(maxsize=1)
def known_closures() -> dict[str, tuple[Closure, ...]]:
    """Every destination's closures, read once per process."""
    return closures_by_destination(load_documents())


def restriction_notes(answer: str, passages: list[Passage]) -> list[str]:
    """A warning for each restricted dive site the answer cites."""
    notes: dict[str, str] = {}
    for passage in passages:
        meta = passage.metadata
        restricted = passage.kind == "dive_site" and meta.get("restricted_to")
        if restricted and passage.title in answer:
            name = passage.title.split(",")[0]
            notes[name] = f"Safety note: {name}: {meta.get('restriction_note')}."
    return list(notes.values())


def closure_notes(
    question: str,
    passages: list[Passage],
    destination: str | None,
    closures: dict[str, tuple[Closure, ...]],
) -> list[str]:
    """The closures of the destination asked about that fall in a month the question names."""
    months = months_named(question)
    if not months:
        return []
    places = (
        [destination]
        if destination
        else list(dict.fromkeys(p.destination for p in passages[:CITED_PASSAGES] if p.destination))
    )
    return [
        f"Closures: {closure.what} ({closure.year}; last verified {closure.verified}). "
        "Check with your operator whether it is open when you plan to go."
        for place in places
        for closure in closures.get(place, ())
        if months.intersection(closure.months)
    ]


def with_fact_notes(
    answer: str, question: str, passages: list[Passage], destination: str | None
) -> str:
    """The answer followed by any restriction and closure notes that apply."""
    notes = restriction_notes(answer, passages) + closure_notes(
        question, passages, destination, known_closures()
    )
    return "\n".join([answer, *notes])
