"""Small numbers written as words ("four of us", "two weeks", "eleven dives").

One map for every parser that reads a count from a diver's words; each adds
its own phrases ("just me", "a couple of") where it uses it.
"""

from __future__ import annotations

import re

NUMBER_WORDS: dict[str, int] = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
    "twenty": 20,
}


def words_pattern(words: dict[str, int]) -> str:
    """A regex alternation of `words`, the longest first ("seventeen" before "seven")."""
    return "|".join(re.escape(word) for word in sorted(words, key=len, reverse=True))


NUMBER_WORD_PATTERN = words_pattern(NUMBER_WORDS)
"""Any of NUMBER_WORDS, for use inside a larger regex (no group, no word boundaries)."""
