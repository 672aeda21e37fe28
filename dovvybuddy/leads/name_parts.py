"""One word of a diver's name put right: "it's Chong, not Chang" keeps the rest of the name.

Corrections (dovvybuddy/leads/corrections.py) try this first, with the name
given earlier, so a surname or given name fixed on its own does not replace
the whole name with one word.
"""

from __future__ import annotations

import re
from typing import Any

# "it's Chong, not Chang", "Tan not Tang", "not Tang but Tan": one word of a name put right.
_WORD_FOR_WORD = (
    re.compile(
        r"(?:^|\b(?:it's|its|is|spelt|spelled|spell it)\s+)"
        r"([^\W\d_][\w'-]*),?\s+not\s+([^\W\d_][\w'-]*)\W*$"
    ),
    re.compile(r"\bnot\s+([^\W\d_][\w'-]*),?\s+(?:but\s+)?([^\W\d_][\w'-]*)\W*$"),
)


def name_part_corrected(text: str, name: Any) -> str | None:
    """The name with one word put right ("Chong, not Chang"), when the replaced word is in it."""
    if not isinstance(name, str) or not name.strip():
        return None
    words = name.split()
    for number, pattern in enumerate(_WORD_FOR_WORD):
        found = pattern.search(text.strip())
        if not found:
            continue
        new, old = found.groups() if number == 0 else reversed(found.groups())
        matches = [i for i, word in enumerate(words) if word.lower() == old.lower()]
        if matches and new.lower() != old.lower():
            words[matches[0]] = new if not new.islower() else new.title()
            return " ".join(words)
    return None
