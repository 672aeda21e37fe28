"""Conversation repair in an enquiry: which answer a message corrects, and what to say.

A diver in the middle of a form may correct an earlier answer ("actually my
email is ...", "it's 4 of us, not 3", "sorry, I meant Redang"), give one
the form has not asked yet, ask to go back, or keep an answer they asked to
change. This module reads that from the text alone, deterministically, and
builds the replies; the form's validation (actions/lead_forms.py) checks the
new value with the field's own validator and applies it. Standard library
and dovvybuddy only, so it is tested without Rasa.

An answer to the question being asked is never a correction: answering the
email question with "my email is ana@example.com" is just the answer.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from dovvybuddy.knowledge.places import PlaceKind, classify_places
from dovvybuddy.knowledge.vocabulary import (
    CERTIFICATION_LEVEL_NAMES,
    DESTINATION_NAMES,
    DESTINATIONS,
    spoken_list,
)
from dovvybuddy.leads.partners import partner_by_id


@dataclass(frozen=True)
class Correction:
    """A field the diver wants changed, with its new value as typed (None: not given yet)."""

    field: str
    value: str | None


LABELS = {
    "lead_name": "name",
    "lead_email": "email",
    "lead_phone": "phone number",
    "certification_level": "certification level",
    "course_of_interest": "course",
    "destination": "destination",
    "preferred_dates": "dates",
    "group_size": "group size",
    "dive_count": "number of logged dives",
    "interests": "interests",
    "lead_message": "message",
    # The trip details (dovvybuddy/leads/trip_details.py) and the centre chosen.
    "budget": "budget",
    "dives_wanted": "number of dives wanted",
    "gear_rental": "gear rental",
    "trip_course": "course during the trip",
    "accommodation": "accommodation",
    "dive_centre": "dive centre",
}
# Each question in one short line, for re-asking after a digression or a repair.
_COVERED_OR = spoken_list([DESTINATION_NAMES[code] for code in DESTINATIONS], "or")
SHORT_QUESTIONS = {
    "lead_name": "What's your name?",
    "lead_email": "What email address should the dive centre use?",
    "lead_phone": 'A phone number? (Or "skip".)',
    "certification_level": "What's your certification level?",
    "course_of_interest": "Which course are you interested in?",
    "destination": f"Where would you like to dive: {_COVERED_OR}?",
    "preferred_dates": "When would you like to go?",
    "group_size": "How many people are going, including you?",
    "dive_count": "About how many dives have you logged?",
    "interests": 'Anything you\'d love to see or do? (Or "skip".)',
    "lead_message": 'Anything else the dive centre should know? (Or "skip".)',
    "budget": 'What\'s your budget per person, in any currency? (Or "skip".)',
    "dives_wanted": 'How many dives would you like to do? (Or "skip".)',
    "gear_rental": 'Will you need rental gear? (Yes, no or "skip".)',
    "trip_course": 'Would you like to take a course during the trip? (Or "no".)',
    "accommodation": 'Any accommodation preference? (Or "any".)',
    "dive_centre": 'Which dive centre would you like? (Or "any of them".)',
}
# Why a new value was refused, per field (the validators' hints, as a clause).
REFUSALS = {
    "lead_name": "I didn't catch a name there",
    "lead_email": "that doesn't look like a complete email address (like name@example.com)",
    "lead_phone": (
        "I couldn't read that as a phone number (include the country code, like +60 12 345 6789)"
    ),
    "certification_level": (
        'I didn\'t recognise that level ("none yet", "Open Water", "Advanced", "Rescue" or '
        '"Divemaster" work)'
    ),
    "course_of_interest": (
        "I didn't recognise that course (Discover Scuba, Open Water, Advanced Open Water, "
        "Rescue or Divemaster)"
    ),
    "destination": f"I can only connect you with centres in {_COVERED_OR}",
    "preferred_dates": (
        'I couldn\'t work out those dates (something like "early May", "5-9 Aug" or "July" works)'
    ),
    "group_size": "group sizes from 1 to 30 work here",
    "dive_count": "I need the number of dives as a number",
    "interests": "I didn't catch what to change them to",
    "lead_message": "I didn't catch what to change it to",
    "budget": 'I need an amount, like "RM 1,500-2,000" or "about 600 euros"',
    "dives_wanted": "I need a number of dives from 1 to 100",
    "gear_rental": 'I need a yes or a no (or "skip")',
    "trip_course": "I didn't catch which course",
    "accommodation": "I didn't catch what to change it to",
    "dive_centre": "that isn't one of the centres that fit your enquiry",
}
# Free-text answers: a correction while one of these is asked needs an
# unmistakable value (an email address, a phone number, "4 of us"), since
# "sorry, can they email me instead" is a message, not a new address.
FREE_TEXT_FIELDS = frozenset(
    {"lead_name", "interests", "lead_message", "budget", "trip_course", "accommodation"}
)
STRONGLY_TYPED = frozenset({"lead_email", "lead_phone", "group_size"})

_CUE = re.compile(
    r"\b(actually|actualy|acutally|change|chnge|chang|changed|update|updated|correct|correction|"
    r"wrong|wrng|mistake|typo|sorry|sry|soz|meant|i mean|instead|oops|whoops|should be|"
    r"make it|switch|edit|fix|my bad|scrap|rather|not right|not correct|tukar|salah|"
    r"no wait|hold on|replace|modify|amend|redo|moved|move|decided|postponed|pushed|"
    r"changing|not \w+ but)\b"
)
# Field words, typos and other names for each field, longest first when tried.
_STRONG_CUE = re.compile(
    r"\b(actually|change|update|correct|correction|wrong|mistake|typo|meant|instead|"
    r"should be|make it|edit|fix|sorry|oops|not)\b"
)
_FIELD_WORDS: dict[str, tuple[str, ...]] = {
    "lead_email": ("email address", "e-mail", "e mail", "email", "emial", "emal", "emai", "mail"),
    "lead_phone": (
        "phone number",
        "contact number",
        "mobile number",
        "whatsapp number",
        "whatsapp",
        "phone",
        "phnoe",
        "fone",
        "mobile",
        "cell",
        "hp",
        "tel",
        "nombor",
        "number",
    ),
    "lead_name": ("full name", "name", "nmae", "naem", "nm"),
    "group_size": (
        "number of people",
        "number of divers",
        "group size",
        "people count",
        "ppl count",
        "group",
        "people",
        "ppl",
        "pax",
        "persons",
        "headcount",
    ),
    # Before the logged dives: "dives wanted" names the trip's dives, not the log.
    "dives_wanted": ("dives wanted", "planned dives", "dives planned", "dives on the trip"),
    "dive_count": ("number of dives", "dive count", "logged dives", "dives", "logged"),
    "course_of_interest": ("course", "cours", "corse"),
    "certification_level": ("certification level", "certification", "cert", "level", "lvl"),
    "destination": ("destination", "island", "location", "place", "spot"),
    "preferred_dates": ("travel dates", "dates", "date", "when we go", "timing"),
    "interests": ("interests", "interest"),
    "lead_message": ("message", "note", "msg"),
    "budget": ("budget", "price range"),
    "gear_rental": ("gear rental", "rental gear", "rental", "gear", "equipment"),
    "trip_course": ("trip course", "course during the trip", "course on the trip", "course"),
    "accommodation": ("accommodation", "accomodation", "hotel", "lodging"),
    "dive_centre": ("dive centre", "dive center", "dive shop", "dive school", "centre", "center"),
}
_EMAIL = re.compile(r"[^\s<>()\[\],;:\"']+@[^\s<>()\[\],;:\"']+\.[a-z]{2,}", re.IGNORECASE)
# Digits of a phone number, not of an ISO date: a leading + or 0 or 60.
_PHONE = re.compile(r"(?<![\w-])(\+\s?\d[\d\s().-]{6,}\d|0\d[\d\s().-]{6,}\d|60\d{8,10})(?![\w-])")
_NUMBER_WORDS = {
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
}
_COUNT = r"(\d{1,3}|" + "|".join(_NUMBER_WORDS) + r")"
_GROUP = re.compile(
    rf"\b{_COUNT}\s+(?:of us|people|ppl|pax|persons|person|divers|adults|friends going)\b"
    rf"|\bwe(?:'re| are| r| will be|'ll be)\s+(?:now\s+|actually\s+)?{_COUNT}\b"
    rf"|\bparty of\s+{_COUNT}\b|\bjust me\b|\bsolo\b"
)
_DIVES = re.compile(r"\b(\d{1,5})\s*(?:logged\s+)?dives\b")
_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
)
_DATES = re.compile(
    rf"\b(?:\d{{1,2}}(?:st|nd|rd|th)?\s*(?:-|–|to|until)?\s*(?:\d{{1,2}}(?:st|nd|rd|th)?\s+)?{_MONTH}"
    rf"|(?:early|mid|middle of|late|end of|beginning of|in|around)\s*-?\s*{_MONTH}"
    rf"|{_MONTH}\s+\d{{1,2}}"
    r"|(?:next|this)\s+(?:week|month|year|spring|summer|autumn|fall|winter)"
    r"|spring|summer|autumn|winter|\d{1,2}/\d{1,2}(?:/\d{2,4})?"
    # Month names alone, but not "may" (the verb) or "march" (the verb).
    r"|january|february|april|june|july|august|sept|september|october|november|december)\b"
)
_LEVEL = re.compile(
    r"\b(open ?water|ow|advanced|aow|adventurer|rescue|divemaster|dive master|"
    r"discover scuba|try dive|not certified|not yet certified|no cert\w*|scuba diver|"
    r"(?:cmas|bsac|naui|sdi|ssi|padi)\b[\w ]{0,20})\b"
)
# "I'm actually Advanced", "we're AOW": the diver's own level, not a course wanted.
_SELF_LEVEL = re.compile(
    r"\b(?:i'm|im|i am|we're|we are|were|my level is|i have|i've got|i hold)\s+"
    r"(?:\w+\s+){0,2}?(?:open ?water|ow|advanced|aow|rescue|divemaster|not (?:yet )?certified)\b"
)
_COURSE_HINT = re.compile(r"\b(course|learn|take|do the|want the|sign up|training)\b")
# "4 of us, not 3", "Redang, not Tioman", "instead of July": the replaced value.
_NEGATED = re.compile(
    r"\b(?:not|instead of|rather than|no longer|isn't|is not)\s+(?!yet\b|certified\b)"
    r"(?:the\s+|my\s+)?[^,.;!?]*"
)
_VALUE_MARKER = re.compile(
    r"(?:\b(?:to|is|be|are|it's|its|it is|meant|use|make it|now)\b|:|→|->|=)\s*",
    re.IGNORECASE,
)
_FILLER = re.compile(
    r"^(?:(?:actually|sorry|sry|pls|please|plz|oh|oops|ah|wait|no|yes|and|so|but|lol|hmm|"
    r"my bad|instead|just|it's|its|it is|i meant|i mean|meant|to|is|be)\b[\s,!.:-]*)+"
    r"|(?:[\s,!.-]*\b(?:actually|sorry|sry|pls|please|plz|thanks|thank you|instead|lol|"
    r"then|now|too|pls|thx)\b)+[\s,!.]*$",
    re.IGNORECASE,
)
# What a diver says about the old value, not a new one ("the dates are wrong").
_NOT_A_VALUE = re.compile(
    r"(?:all |totally |a bit |slightly )?(?:wrong|wrng|incorrect|not (?:right|correct)|"
    r"a typo|typo|a mistake|mistaken|off|bad|outdated|old)(?: sorry| lol)?"
)
_GO_BACK = re.compile(
    r"\b(go+\s*ba(?:ck|kc)|back up|previ?o?us (?:question|one|step|answer)|last question|"
    r"step back|undo|redo the (?:last|previous)|revert|question before|back one|one step back|"
    r"the one before)\b"
)
_KEEP = re.compile(
    r"^(?:(?:no,?\s*)?(?:just\s+)?keep(?:\s+it)?(?:\s+(?:the\s+same|as (?:it was|before|is)))?|"
    r"(?:it's\s+|that's\s+)?(?:the\s+)?same(?:\s+as before)?|no change|unchanged|"
    r"leave it as (?:it|is)|"
    r"as (?:it was|before)|it was (?:right|correct|fine)|never ?mind,? keep it)[.! ]*$"
)
_SHORT_ANSWER_WORDS = 12
_CLAUSE = re.compile(r"\s*(?:[,;]|\s-\s|\.\s|\bso\b|\band\b|\balso\b|\bplus\b)\s*")


def _normalised(text: str) -> str:
    return re.sub(r"\s+", " ", (text or "").lower().replace("’", "'")).strip()


def is_go_back(text: str) -> bool:
    """Whether a short message asks to go back to the previous question.

    "Can we go back to Sipadan next year" names a place: an answer, not a step back.
    """
    lowered = _normalised(text)
    if _place_in(text) or _DATES.search(lowered) or _EMAIL.search(text):
        return False
    if lowered.rstrip(".!") in ("back", "go back", "previous", "prev", "undo"):
        return True
    return len(lowered.split()) <= _SHORT_ANSWER_WORDS and bool(_GO_BACK.search(lowered))


def is_keep(text: str) -> bool:
    """Whether the diver keeps the answer they had asked to change ("keep it", "same")."""
    return bool(_KEEP.match(_normalised(text)))


def _field_named(lowered: str, fields: Sequence[str]) -> tuple[str, re.Match[str]] | None:
    """The field a message names by one of its words, the earliest mention first."""
    best: tuple[str, re.Match[str]] | None = None
    for field, words in _FIELD_WORDS.items():
        if field not in fields:
            continue
        for word in words:
            pattern = rf"\b{re.escape(word)}\b"
            if word == "number":
                # "number of people" and "number of dives" name other fields.
                pattern = r"\bnumber\b(?! of)"
            if word == "mail" or word == "email":
                pattern = rf"\b{re.escape(word)}\b(?!\s*(?:me|us|them)\b)"
            found = re.search(pattern, lowered)
            if found and (best is None or found.start() < best[1].start()):
                best = (field, found)
                break
    return best


def has_own_level(text: str) -> bool:
    """Whether the diver names a level they hold ("I'm Open Water")."""
    return _SELF_LEVEL.search(_without_negated(_normalised(text))) is not None


def _only_own_level(lowered: str) -> bool:
    """Whether every level named is one the diver says they hold."""
    kept = _without_negated(lowered)
    own = [m.span() for m in _SELF_LEVEL.finditer(kept)]
    mentions = list(_LEVEL.finditer(kept))
    return bool(own and mentions) and all(any(a <= m.start() < b for a, b in own) for m in mentions)


def _without_negated(lowered: str) -> str:
    if re.search(r"\bnot (?:yet )?certified\b", lowered):
        return lowered
    return _NEGATED.sub(" ", lowered)


def _typed_field(text: str, lowered: str, fields: Sequence[str], asked: str | None) -> str | None:
    """The field a value's shape belongs to: an address, a number, "4 of us", a place."""
    kept = _without_negated(lowered)
    candidates = [
        ("lead_email", _EMAIL.search(text) is not None),
        ("lead_phone", _PHONE.search(kept) is not None),
        ("group_size", _GROUP.search(kept) is not None),
        ("dive_count", _DIVES.search(kept) is not None),
        ("destination", _place_in(text) is not None),
        ("preferred_dates", _DATES.search(kept) is not None),
    ]
    for field, found in candidates:
        if found and field in fields:
            return field
    if _LEVEL.search(kept):
        about_self = _SELF_LEVEL.search(kept) is not None
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


def _place_in(text: str) -> str | None:
    """The place named (a covered one first), as the diver wrote it."""
    lowered = _without_negated(_normalised(text))
    mentions = classify_places(lowered)
    for kind in (PlaceKind.COVERED, PlaceKind.UNCOVERED):
        for mention in mentions:
            if mention.kind is kind:
                written = re.search(re.escape(mention.text), text, re.IGNORECASE)
                return written.group(0) if written else mention.text
    return None


def _segment(text: str, after: int) -> str:
    """The words after the first value marker ("to", "is", ":"...) past `after`, tidied."""
    rest = text[after:]
    marker = _VALUE_MARKER.search(rest)
    segment = rest[marker.end() :] if marker else rest
    segment = _without_negated(segment) if segment else segment
    segment = re.sub(r"\s+", " ", segment).strip(" ,.!;:-")
    previous = None
    while previous != segment:
        previous = segment
        segment = _FILLER.sub("", segment).strip(" ,.!;:-")
    return "" if _NOT_A_VALUE.fullmatch(segment.lower()) else segment


def _value_for(field: str, text: str, lowered: str, named_end: int) -> str | None:
    """The new value for `field` as typed, or None when the diver did not give one."""
    kept = _without_negated(lowered)
    if field == "lead_email":
        found = _EMAIL.search(text)
        return found.group(0) if found else _segment(text, named_end) or None
    if field == "lead_phone":
        found = _PHONE.search(kept)
        if found:
            return found.group(0).strip()
        if re.search(r"\b(no phone|remove (?:my|the) (?:phone|number)|skip (?:the )?phone)", kept):
            return "skip"
        return _segment(text, named_end) or None
    if field == "group_size":
        found = _GROUP.search(kept)
        if found:
            return found.group(0)
        number = re.search(rf"\b{_COUNT}\b", _segment(kept, named_end))
        return number.group(0) if number else None
    if field == "dive_count":
        found = _DIVES.search(kept) or re.search(r"\b\d{1,5}\b", _segment(kept, named_end))
        return found.group(1) if found and found.groups() else (found.group(0) if found else None)
    if field == "destination":
        return _place_in(text) or _segment(text, named_end) or None
    if field == "preferred_dates":
        segment = _segment(kept, named_end)
        found = _DATES.search(segment) if segment else None
        if found:
            # Keep the range around the match ("10-15 Sept", "early October").
            return segment
        found = _DATES.search(kept)
        return kept[found.start() :].strip(" ,.!") if found else (segment or None)
    if field in ("certification_level", "course_of_interest"):
        # "I'm Advanced, so I want the Rescue course": the diver's own level
        # is the one said about themselves, the course the other one.
        own = [m.span() for m in _SELF_LEVEL.finditer(kept)]
        mentions = list(_LEVEL.finditer(kept))
        inside = [m for m in mentions if any(a <= m.start() < b for a, b in own)]
        outside = [m for m in mentions if m not in inside]
        preferred = inside + outside if field == "certification_level" else outside + inside
        return preferred[0].group(0) if preferred else (_segment(kept, named_end) or None)
    if field == "lead_name":
        marks = list(re.finditer(r"\b(?:name(?:'s)?|call me|i'm|i am|it's|its)\b", lowered))
        start = marks[-1].end() if marks else named_end
        segment = _CLAUSE.split(_segment(text, start))[0].strip()
        return segment or None
    rest = text[named_end:]
    marker = _VALUE_MARKER.search(rest)
    free_text = (rest[marker.end() :] if marker else rest).strip(" ,.!;:-")
    return free_text or None


def find_correction(
    text: str, asked: str | None, fields: Sequence[str], values: Mapping[str, Any]
) -> Correction | None:
    """The field `text` corrects (or gives before it is asked), or None.

    `asked` is the field the form is asking for (`lead_consent` or
    `lead_confirmed` at the end), `fields` the form's fields, `values` their
    current values. A message that answers the question asked is not a
    correction; nor is free text that merely mentions a field.
    """
    lowered = _normalised(text)
    if not lowered or asked is None:
        return None
    named = _field_named(lowered, fields)
    typed = _typed_field(text, lowered, fields, asked)
    field = named[0] if named else typed
    if (
        field == "course_of_interest"
        and "certification_level" in fields
        and _only_own_level(lowered)
    ):
        # "I'm Advanced now, did the course last month": the level, not a course wanted.
        field, named = "certification_level", None
    if field is None or field == asked:
        return None
    if asked in ("certification_level", "course_of_interest") and typed == field and not named:
        # "Advanced" answers the level or course question, whichever was asked.
        return None
    cue = _CUE.search(lowered) is not None
    explicit = named is not None and (
        re.search(
            rf"\bmy\s+(?:\w+\s+)?{re.escape(named[1].group(0))}\s*(?:is|'s|should be|:)", lowered
        )
        is not None
        or re.search(rf"^{re.escape(named[1].group(0))}\s*[:=]", lowered) is not None
    )
    strong = typed == field and field in STRONGLY_TYPED
    if asked in FREE_TEXT_FIELDS:
        # A message or interests may mention anything: only an unmistakable
        # new value, or a short message that says it corrects, counts.
        short = len(lowered.split()) <= _SHORT_ANSWER_WORDS
        strong_cue = _STRONG_CUE.search(lowered) is not None
        if not ((strong and (cue or explicit)) or (short and strong_cue and (named or typed))):
            return None
    elif not (cue or explicit or strong):
        return None
    value = _value_for(field, text, lowered, named[1].end() if named else 0)
    if value is not None and not value.strip():
        value = None
    if value is not None and named and value.lower() == named[1].group(0):
        value = None
    return Correction(field, value)


def find_corrections(
    text: str, asked: str | None, fields: Sequence[str], values: Mapping[str, Any]
) -> list[Correction]:
    """Every field `text` corrects: the whole message's, then one per clause for other fields.

    "Sorry, I'm actually Advanced already, so I want the Rescue course" corrects
    the level and the course.
    """
    first = find_correction(text, asked, fields, values)
    if first is None:
        return []
    found = [first]
    cue = "actually " if _CUE.search(_normalised(text)) else ""
    for clause in _CLAUSE.split(text):
        if len(clause.split()) < 2:
            continue
        more = find_correction(cue + clause, asked, fields, values)
        # A further correction needs a value of its field's shape ("the Rescue course").
        shaped = (
            more is not None
            and _typed_field(clause, _normalised(clause), fields, asked) == more.field
        )
        if more and more.value and shaped and all(more.field != c.field for c in found):
            found.append(more)
    return found


def display(field: str, value: Any) -> str:
    """A stored value as the diver reads it."""
    if value in (None, ""):
        return "(not given)"
    if field in ("certification_level", "course_of_interest"):
        return CERTIFICATION_LEVEL_NAMES.get(value, str(value))
    if field == "destination":
        return DESTINATION_NAMES.get(value, str(value))
    if field == "lead_phone" and value == "none":
        return "(not given)"
    if field == "dive_count":
        return str(int(float(value)))
    if field == "group_size":
        size = int(float(value))
        return "just you" if size == 1 else f"{size} people"
    if field == "preferred_dates":
        return readable_dates(str(value))
    if field == "dive_centre":
        partner = partner_by_id(str(value))
        return partner.name if partner else "any of them"
    return str(value)


def readable_dates(stored: str) -> str:
    """'2027-06-12/2027-06-15' as '12-15 Jun 2027' (the stored ISO range as a diver reads it)."""
    try:
        start, _, end = stored.partition("/")
        first = date.fromisoformat(start)
        last = date.fromisoformat(end) if end else first
    except ValueError:
        return stored
    if first == last:
        return f"{first.day} {first:%b %Y}"
    if (first.year, first.month) == (last.year, last.month):
        return f"{first.day}-{last.day} {last:%b %Y}"
    if first.year == last.year:
        return f"{first.day} {first:%b} - {last.day} {last:%b %Y}"
    return f"{first.day} {first:%b %Y} - {last.day} {last:%b %Y}"


def values_in_opening(text: str, fields: Sequence[str]) -> dict[str, str]:
    """Answers a diver gives in the message that starts an enquiry, by their shape.

    "Perhentian in August? We're 4 divers" gives the dates and the group size;
    in the training form a level named but not held ("an open water course")
    is the course wanted.
    """
    lowered = _normalised(text)
    kept = _without_negated(lowered)
    found: dict[str, str] = {}
    if "lead_email" in fields and (email := _EMAIL.search(text)):
        found["lead_email"] = email.group(0)
    if "lead_phone" in fields and (phone := _PHONE.search(kept)):
        found["lead_phone"] = phone.group(0)
    if "group_size" in fields and (group := _GROUP.search(kept)):
        found["group_size"] = group.group(0)
    if "preferred_dates" in fields and (dates := _DATES.search(kept)):
        found["preferred_dates"] = kept[dates.start() :].split(",")[0].split("?")[0]
    if "course_of_interest" in fields:
        own = [m.span() for m in _SELF_LEVEL.finditer(kept)]
        wanted = [m for m in _LEVEL.finditer(kept) if not any(a <= m.start() < b for a, b in own)]
        if wanted:
            found["course_of_interest"] = wanted[0].group(0)
    return found


def changed_message(field: str, value: Any) -> str:
    """What the diver is told after a correction is applied."""
    if field == "lead_phone" and value == "none":
        return "Updated: I've removed your phone number."
    return f"Updated your {LABELS[field]} to {display(field, value)}."


def refused_message(field: str, old_value: Any, place: str | None = None) -> str:
    """Why a correction was refused, and that the old value stays."""
    reason = REFUSALS[field]
    if field == "destination" and place:
        reason = f"I don't cover {place} yet; {reason}"
    kept = (
        f"I've kept {display(field, old_value)}."
        if old_value not in (None, "")
        else "I'll ask for it when we get there."
    )
    return f"I couldn't change your {LABELS[field]}: {reason}. {kept}"


_PLURAL_LABELS = frozenset({"preferred_dates", "interests", "dive_count"})


def go_back_question(field: str, value: Any) -> str:
    """Re-asking a field the diver went back to (or asked to change), showing its value."""
    verb = "are" if field in _PLURAL_LABELS else "is"
    return (
        f"Sure. Your {LABELS[field]} {verb} currently {display(field, value)}. "
        f'{SHORT_QUESTIONS[field]} (Or say "keep it".)'
    )


def resume_question(field: str) -> str:
    """The form's question in one short line, after an answer to something else."""
    return f"Back to your enquiry: {SHORT_QUESTIONS[field]}"


def previous_field(
    asked_order: Sequence[str], current: str | None, fields: Sequence[str]
) -> str | None:
    """The field asked before `current`: the last one in `asked_order` that is not it."""
    for field in reversed(asked_order):
        if field != current and field in fields and field in LABELS:
            return field
    return None
