"""Phrase lists compiled into whole-word regular expressions, for the safety rules.

Standard library only: imported inside the Rasa server.
"""

from __future__ import annotations

import re
from collections.abc import Iterable


def alt(*alternatives: str) -> str:
    """A non-capturing group of regex alternatives."""
    return "(?:" + "|".join(alternatives) + ")"


def words(terms: Iterable[str]) -> re.Pattern[str]:
    """Compile phrases so that they only match whole words of the normalised text.

    Look-arounds rather than `\\b`, so that a phrase may end in a symbol ("32%").
    """
    return re.compile(r"(?<!\w)" + alt(*terms) + r"(?!\w)")
