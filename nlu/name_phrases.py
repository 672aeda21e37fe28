"""A word the diver gives as their name is not a place.

DIET learns destinations from their context as much as from the word, so an
unfamiliar surname after "change my name to" can come out as a `destination`
entity ("Wan Azlan"). A name phrase is a person's name whatever its words
look like: a `destination` entity that follows "name"
(as in "my name is", "change the name to", "name should read") within a few
words that do not start a new thought ("my name is Ana and I want to dive
<place>" keeps the place) is dropped. nlu/name_phrase_filter.py runs this after every
extractor.

Standard library only: it runs inside the Rasa server and is tested without it.
"""

from __future__ import annotations

import re
from typing import Any

NAME_WORD = re.compile(r"\b(?:name|surname|nmae|nm)\b", re.IGNORECASE)
MAX_WORDS_AFTER_NAME = 4
# Words after "name" that start something other than the name itself.
_NEW_THOUGHT = frozenset(
    "and but dive diving go going visit trip travel in at from near around want would like".split()
)


def in_name_phrase(text: str, start: int) -> bool:
    """Whether position `start` of `text` falls in the name after a "name" word."""
    before = text[:start]
    names = list(NAME_WORD.finditer(before))
    if not names:
        return False
    between = re.sub(r"[^\w\s'-]", " ", before[names[-1].end() :]).lower().split()
    if re.search(r"[.!?;,]", before[names[-1].end() :]):
        return False
    return len(between) <= MAX_WORDS_AFTER_NAME and not _NEW_THOUGHT & set(between)


def without_places_in_names(text: str, entities: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The entities, less any `destination` that is part of a name the diver gives."""
    return [
        entity
        for entity in entities
        if entity.get("entity") != "destination"
        or not in_name_phrase(text, int(entity.get("start") or 0))
    ]
