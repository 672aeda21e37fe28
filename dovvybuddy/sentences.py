"""Splitting knowledge text into sentences, the one way ingest and answers share.

A sentence is what spaCy's rule-based sentencizer says it is, except that a
line break also ends one: a Markdown list item ("- a mask") is a sentence of
its own even without a full stop.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any


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
            pieces.extend(s.text.strip() for s in _sentencizer()(line).sents if s.text.strip())
    return pieces
