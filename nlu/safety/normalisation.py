"""How the safety rules read a message: `normalise`.

NFKC, lower case, Latin accents dropped, apostrophes removed ("can't" ->
"cant"), other punctuation turned into spaces, elongated words and single
typos in safety words repaired ("helpppp", "unconcious"), contractions and
chat slang expanded ("cant" -> "cannot"; the word map is in words.yml).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from itertools import combinations

from nlu.safety.lexicon import (
    _AFTER_DIVE_CONTEXT,
    _AFTER_DIVE_SYMPTOMS,
    _CRITICAL,
    _INCIDENTS,
    _INJECTION,
    _MEDICAL_IF_ASKED,
    _MEDICAL_TERMS,
    _PLAN_TERMS,
    _SERIOUS_SYMPTOMS,
    _URGENT_CALLS,
    WORDS,
)

# Where a message splits into clauses: a question and a report can share it.
_CLAUSE_BREAK = re.compile(r"[.?!;,\n]+")
_APOSTROPHES = re.compile(r"['’‘`´ʼ]")
_NON_WORD = re.compile(r"[^\w%.]+")
_STRAY_DOT = re.compile(r"(?<!\d)\.|\.(?!\d)")
# "18m" -> "18 m", "60ft" -> "60 ft"; "2nd" stays.
_NUMBER_UNIT = re.compile(r"(\d)(?!(?:st|nd|rd|th)\b)([a-z])")
_LONG_RUN = re.compile(r"(.)\1{2,}")
_DOUBLE_LETTER = re.compile(r"([a-z])\1")

# Contractions (apostrophes already removed) and chat slang, word for word.
_SPELLING = WORDS["spelling"]
# Multi-word spellings, applied after the word map.
_PHRASE_SPELLING = [
    (re.compile(r"\bcan not\b"), "cannot"),
    (re.compile(r"\bi m\b"), "i am"),
    (re.compile(r"\bpins ?n ?needles\b"), "pins and needles"),
]

# Long, distinctive safety words a one-typo token is read as (words.yml says which).
_TYPO_TARGETS = WORDS["typo_targets"]


def _vocabulary() -> frozenset[str]:
    """Every word the phrase lists use: elongated words are repaired towards these."""
    sources = [
        *_URGENT_CALLS,
        *_CRITICAL,
        *_SERIOUS_SYMPTOMS,
        *_INCIDENTS,
        *_AFTER_DIVE_SYMPTOMS,
        *_AFTER_DIVE_CONTEXT,
        *_MEDICAL_TERMS,
        *_MEDICAL_IF_ASKED,
        *_PLAN_TERMS,
        *_INJECTION,
        *_SPELLING,
        *_SPELLING.values(),
        *_TYPO_TARGETS,
        "help please no so yes",
    ]
    return frozenset(word for source in sources for word in re.findall(r"[a-z]{2,}", source))


_VOCABULARY = _vocabulary()


def _within_one_edit(word: str, target: str) -> bool:
    """True if `word` is at most one insertion, deletion, substitution or swap from `target`."""
    if word == target:
        return True
    if abs(len(word) - len(target)) > 1:
        return False
    if len(word) == len(target):
        diffs = [i for i, (a, b) in enumerate(zip(word, target, strict=True)) if a != b]
        if len(diffs) == 1:
            return True
        i, j = diffs[0], diffs[-1]
        return len(diffs) == 2 and j == i + 1 and word[i] == target[j] and word[j] == target[i]
    shorter, longer = sorted((word, target), key=len)
    i = 0
    while i < len(shorter) and shorter[i] == longer[i]:
        i += 1
    return shorter[i:] == longer[i + 1 :]


def _degeminated(word: str) -> Iterator[str]:
    """`word`, then `word` with some of its double letters made single (fewest first)."""
    doubles = [match.start() for match in _DOUBLE_LETTER.finditer(word)][:4]
    yield word
    for size in range(1, len(doubles) + 1):
        for chosen in combinations(doubles, size):
            yield "".join(ch for i, ch in enumerate(word) if i - 1 not in chosen)


def _repair(token: str) -> str:
    """Undo elongation ("helpppp", "breathingg") and single typos in safety words."""
    if token in _VOCABULARY or not token.isascii() or not token.isalpha():
        return token
    squeezed = _LONG_RUN.sub(r"\1\1", token)
    for candidate in _degeminated(squeezed):
        if candidate in _VOCABULARY:
            return candidate
    if len(token) >= 6:
        for target in _TYPO_TARGETS:
            if _within_one_edit(squeezed, target):
                return target
    return squeezed


def normalise(text: str) -> str:
    """Reduce a message to lower-case words, numbers and "%" separated by single spaces."""
    text = unicodedata.normalize("NFKC", text)
    # Drop Latin accents only ("précédentes" -> "precedentes"); other scripts'
    # combining marks (Japanese voicing marks) are part of the letter.
    decomposed = unicodedata.normalize("NFD", text)
    text = unicodedata.normalize(
        "NFC", "".join(ch for ch in decomposed if not "\u0300" <= ch <= "\u036f")
    )
    text = _APOSTROPHES.sub("", text.casefold())
    text = _STRAY_DOT.sub(" ", _NON_WORD.sub(" ", text.replace("_", " ")))
    text = _NUMBER_UNIT.sub(r"\1 \2", text)
    words = []
    for token in text.split():
        token = _repair(token)
        words.append(_SPELLING.get(token, token))
    text = " ".join(words)
    for pattern, replacement in _PHRASE_SPELLING:
        text = pattern.sub(replacement, text)
    return text
