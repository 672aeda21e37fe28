"""Take personal data out of what divers typed before operators read it.

`python -m dovvybuddy.analytics.insights` and `python -m dovvybuddy.analytics.review` show
divers' own words (unanswered questions, misunderstood messages). Before any
of it leaves the database, email addresses, phone numbers and the names
divers gave in the lead forms are replaced by `[email]`, `[phone]` and
`[name]`.

Privacy wins over detail: any run of seven or more digits counts as a phone
number (a date written 2027-05-01 too), and every word of a given name is
redacted wherever it appears, even where it is also an ordinary word ("May").
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from dovvybuddy.common.settings import keyed_hash

_EMAIL = (
    r"[\w.+-]+\s?@\s?[\w-]+(?:\.[\w-]+)+"
    # Written out to dodge spam filters: "jane at example dot com".
    r"|[\w.+-]+\s+(?:at|\(at\)|\[at\])\s+[\w-]+(?:\s+(?:dot|\(dot\)|\[dot\])\s+[\w-]+)+"
)
# Seven or more digits, with at most two spaces, dots, dashes or brackets
# between them: "+60 12-345 6789", "(012) 345 6789".
_PHONE = r"(?<!\d)[+(]?\d(?:[\s().-]{0,2}\d){6,}(?!\d)"
_MIN_NAME_PART = 2


def name_parts(name: str) -> set[str]:
    """The whole name and each of its words, as they are redacted."""
    words = re.findall(r"\w[\w'’-]*", name)
    parts = {word for word in words if len(word) >= _MIN_NAME_PART and not word.isdigit()}
    whole = " ".join(name.split())
    return parts | {whole} if whole else parts


class Redactor:
    """Replaces emails, phone numbers and the given names in a text by placeholders."""

    def __init__(self, names: Iterable[str] = ()) -> None:
        parts = {part.casefold() for name in names for part in name_parts(name)}
        # Longest first, so that "Jane Doe" is one [name] rather than two.
        alternatives = [rf"(?P<email>{_EMAIL})", rf"(?P<phone>{_PHONE})"]
        if parts:
            ordered = sorted(parts, key=lambda part: (-len(part), part))
            names = "|".join(map(re.escape, ordered))
            alternatives.append(rf"(?<!\w)(?P<name>{names})(?!\w)")
        # One pass with one pattern: a placeholder is never searched again.
        self._pattern = re.compile("|".join(alternatives), re.IGNORECASE)

    def redact(self, text: str) -> str:
        """`text` with every email, phone number and given name replaced."""
        return self._pattern.sub(lambda match: f"[{match.lastgroup}]", text)


def conversation_hash(sender_id: str) -> str:
    """A conversation id, keyed-hashed: how a lead row points at its chat (leads.sender_hash)."""
    return keyed_hash(sender_id)
