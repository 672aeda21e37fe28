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
    return [sentence for sentence, _ in _sentences_with_lines(text)]


def list_item_positions(text: str) -> frozenset[int]:
    """The positions (as `split_sentences` numbers them) of sentences that are
    Markdown list items: an answer quoting one item of a list may need the rest."""
    return frozenset(
        position for position, (_, in_list) in enumerate(_sentences_with_lines(text)) if in_list
    )


@lru_cache(maxsize=512)
def _sentences_with_lines(text: str) -> tuple[tuple[str, bool], ...]:
    """Each sentence, and whether its line is a list item."""
    pieces: list[tuple[str, bool]] = []
    for raw in text.splitlines():
        in_list = raw.lstrip().startswith(("- ", "* "))
        line = raw.strip().lstrip("-*").strip()
        if line:
            for sentence in _sentencizer()(line).sents:
                pieces.extend(
                    (p.strip(), in_list) for p in _AFTER_UNIT.split(sentence.text) if p.strip()
                )
    return tuple(pieces)
