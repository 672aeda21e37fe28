"""Which enquiry field a value's shape belongs to, wherever it stands in a message.

An address is an email, "+65 9123 4471" a phone number, "4 of us" a group
size, "120 dives" a dive count, "Redang" a destination, "early May" or "Hari
Raya" dates, "Advanced" a level. Corrections (dovvybuddy/leads/corrections.py)
read the field a message changes from this when it names none, and the
message that opens an enquiry gives its answers by their shapes.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from dovvybuddy.common.number_words import NUMBER_WORD_PATTERN
from dovvybuddy.knowledge.holidays import HOLIDAY_NAMES
from dovvybuddy.knowledge.places import PlaceKind, classify_places
from dovvybuddy.leads.fields import email_written, phone_written
from dovvybuddy.leads.travel_dates import MONTH, NAMED_PERIOD

COUNT = rf"(\d{{1,3}}|{NUMBER_WORD_PATTERN})"
GROUP = re.compile(
    rf"\b{COUNT}\s+(?:of us|people|ppl|pax|persons|person|divers|adults|friends going)\b"
    rf"|\bwe(?:'re| are| r| will be|'ll be)\s+(?:now\s+|actually\s+|only\s+|just\s+)*{COUNT}\b"
    rf"|\b(?:party|group|team|total) of\s+{COUNT}\b|\b{COUNT}\s+(?:in total|in all|altogether)\b"
    rf"|\bjust me\b|\bsolo\b"
)
DIVES = re.compile(r"\b(\d{1,5})\s*(?:logged\s+)?dives\b")
_HOLIDAYS = "|".join(HOLIDAY_NAMES.values())
DATES = re.compile(
    rf"\b(?:\d{{1,2}}(?:st|nd|rd|th)?\s*(?:-|–|to|until)?\s*(?:\d{{1,2}}(?:st|nd|rd|th)?\s+)?{MONTH}"
    rf"|(?:early|mid|middle of|late|end of|beginning of|in|around|of)\s*-?\s*{MONTH}"
    rf"|{MONTH}\s+\d{{1,2}}"
    r"|(?:next|this)\s+(?:week|month|year|spring|summer|autumn|fall|winter)"
    r"|spring|summer|autumn|winter|\d{1,2}/\d{1,2}(?:/\d{2,4})?"
    # Month names alone, but not "may" (the verb) or "march" (the verb).
    r"|january|february|april|june|july|august|sept|september|october|november|december"
    rf"|{_HOLIDAYS}|{NAMED_PERIOD.pattern})\b"
)
LEVEL = re.compile(
    r"\b(open ?water|ow|advanced|aow|adventurer|rescue|divemaster|dive master|"
    r"discover scuba|try dive|not certified|not yet certified|no cert\w*|scuba diver|"
    r"(?:cmas|bsac|naui|sdi|ssi|padi)\b[\w ]{0,20})\b"
)
# "I'm actually Advanced", "we're AOW": the diver's own level, not a course wanted.
SELF_LEVEL = re.compile(
    r"\b(?:i'm|im|i am|we're|we are|were|my level is|i have|i've got|i hold|"
    r"(?:i )?(?:also )?(?:did|got|finished|completed|passed) my)\s+"
    r"(?:\w+\s+){0,2}?(?:open ?water|ow|advanced|aow|rescue|divemaster|not (?:yet )?certified)\b"
)
_COURSE_HINT = re.compile(r"\b(course|learn|take|do the|want the|sign up|training)\b")
# "4 of us, not 3", "Redang, not Tioman", "instead of July": the replaced value.
_NEGATED = re.compile(
    r"\b(?:not|instead of|rather than|no longer|isn't|is not)\s+(?!yet\b|certified\b)"
    r"(?:the\s+|my\s+)?[^,.;!?]*?"
    # ... up to the end of the clause, or where the new value's words start
    # ("instead of <place> can we go to <place>").
    r"(?=$|[,.;!?]|\s+(?:can|could|let's|lets|please|pls|we|we'd|i|i'd|and|but|so|then|go|to)\b)"
)


def normalised(text: str) -> str:
    return re.sub(r"\s+", " ", (text or "").lower().replace("’", "'")).strip()


def without_negated(lowered: str) -> str:
    """The text without the values it replaces ("Redang, not Tioman" keeps "Redang")."""
    if re.search(r"\bnot (?:yet )?certified\b", lowered):
        return lowered
    return _NEGATED.sub(" ", lowered)


def has_own_level(text: str) -> bool:
    """Whether the diver names a level they hold ("I'm Open Water")."""
    return SELF_LEVEL.search(without_negated(normalised(text))) is not None


def only_own_level(lowered: str) -> bool:
    """Whether every level named is one the diver says they hold."""
    kept = without_negated(lowered)
    own = [m.span() for m in SELF_LEVEL.finditer(kept)]
    mentions = list(LEVEL.finditer(kept))
    return bool(own and mentions) and all(any(a <= m.start() < b for a, b in own) for m in mentions)


def place_in(text: str) -> str | None:
    """The place named (a covered one first), as the diver wrote it."""
    lowered = without_negated(normalised(text))
    mentions = classify_places(lowered)
    for kind in (PlaceKind.COVERED, PlaceKind.UNCOVERED):
        for mention in mentions:
            if mention.kind is kind:
                written = re.search(re.escape(mention.text), text, re.IGNORECASE)
                return written.group(0) if written else mention.text
    return None


def typed_field(text: str, lowered: str, fields: Sequence[str], asked: str | None) -> str | None:
    """The field a value's shape belongs to: an address, a number, "4 of us", a place."""
    kept = without_negated(lowered)
    candidates = [
        ("lead_email", email_written(text) is not None),
        ("lead_phone", phone_written(kept) is not None),
        ("group_size", GROUP.search(kept) is not None),
        ("dive_count", DIVES.search(kept) is not None),
        ("destination", place_in(text) is not None),
        ("preferred_dates", DATES.search(kept) is not None),
    ]
    for field, found in candidates:
        if found and field in fields:
            return field
    if LEVEL.search(kept):
        about_self = SELF_LEVEL.search(kept) is not None
        wants_course = (
            "course_of_interest" in fields
            and not about_self
            and (asked == "course_of_interest" or _COURSE_HINT.search(kept) is not None)
        )
        if wants_course:
            return "course_of_interest"
        if "certification_level" in fields:
            return "certification_level"
        if "course_of_interest" in fields:
            return "course_of_interest"
    return None


def values_in_opening(text: str, fields: Sequence[str]) -> dict[str, str]:
    """Answers a diver gives in the message that starts an enquiry, by their shape.

    "Perhentian in August? We're 4 divers" gives the dates and the group size;
    in the training form a level named but not held ("an open water course")
    is the course wanted.
    """
    lowered = normalised(text)
    kept = without_negated(lowered)
    found: dict[str, str] = {}
    if "lead_email" in fields and (email := email_written(text)):
        found["lead_email"] = email.text
    if "lead_phone" in fields and (phone := phone_written(kept)):
        found["lead_phone"] = phone.text
    if "group_size" in fields and (group := GROUP.search(kept)):
        found["group_size"] = group.group(0)
    if "preferred_dates" in fields and (dates := DATES.search(kept)):
        found["preferred_dates"] = kept[dates.start() :].split(",")[0].split("?")[0]
    if "course_of_interest" in fields:
        own = [m.span() for m in SELF_LEVEL.finditer(kept)]
        wanted = [m for m in LEVEL.finditer(kept) if not any(a <= m.start() < b for a, b in own)]
        if wanted:
            found["course_of_interest"] = wanted[0].group(0)
    return found
