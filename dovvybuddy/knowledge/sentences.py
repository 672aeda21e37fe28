"""Splitting knowledge text into sentences, the one way ingest and answers share.

A sentence is what spaCy's rule-based sentencizer says it is, except that a
line break also ends one (a Markdown list item, "- a mask", is a sentence of
its own even without a full stop), and so does a unit at the end of a
sentence: spaCy's tokenizer reads "at about 5 m." as the abbreviation "m."
and would run on into the next sentence.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

_AFTER_UNIT = re.compile(r"(?<=\d m\.)\s+(?=[A-Z])|(?<=\b(?:km|ft|kg|cm|mm)\.)\s+(?=[A-Z])")


@lru_cache(maxsize=1)
def _sentencizer() -> Any:
    import spacy

    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    return nlp


def split_sentences(text: str) -> list[str]:
    """The sentences of `text` in order, list markers and blank lines dropped."""
    pieces: list[str] = []
    for line in text.splitlines():
        line = line.strip().lstrip("-*").strip()
        if line:
            for sentence in _sentencizer()(line).sents:
                pieces.extend(p.strip() for p in _AFTER_UNIT.split(sentence.text) if p.strip())
    return pieces
