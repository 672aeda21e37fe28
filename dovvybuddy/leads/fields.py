"""Parsing and checking what a diver types into the lead forms.

Each function takes the raw text and returns the normalised value, or None
when the text is not a valid answer, so the form can ask again with a clear
hint; `email_written` and `phone_written` find where a value stands in a
longer message. Real libraries do the hard parts: email syntax
(email-validator), phone numbers (phonenumbers). Dates are read in
dovvybuddy/leads/travel_dates.py.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import phonenumbers
from email_validator import EmailNotValidError, validate_email

from dovvybuddy.common.number_words import NUMBER_WORDS, words_pattern
from dovvybuddy.knowledge.certification_levels import stated_level
from dovvybuddy.knowledge.vocabulary import CERTIFICATION_LEVELS

MAX_GROUP_SIZE = 30
DEFAULT_PHONE_REGION = "MY"  # the covered destinations are all in Malaysia
SKIP_WORDS = frozenset(
    {
        "no",
        "nope",
        "none",
        "skip",
        "n/a",
        "na",
        "-",
        "no thanks",
        "rather not",
        "prefer not",
        "nothing",
        "no message",
        "nah",
    }
)
_EMAIL_IN_TEXT = re.compile(r"[^\s<>()\[\],;:\"']+@[^\s<>()\[\],;:\"']+")
LEVEL_WORDS = {
    "none": "discover_scuba",
    "no": "discover_scuba",
    "nope": "discover_scuba",
    "not certified": "discover_scuba",
    "never": "discover_scuba",
    "not yet": "discover_scuba",
    "beginner": "discover_scuba",
    "nothing": "discover_scuba",
}


@dataclass(frozen=True)
class Written:
    """A value where it stands in a message, as the diver typed it."""

    start: int
    end: int
    text: str


def email_written(text: str) -> Written | None:
    """The first address-like word ("name@domain"), valid or not: `parse_email` judges it."""
    match = _EMAIL_IN_TEXT.search(text or "")
    if not match:
        return None
    return Written(match.start(), match.end(), match.group(0).rstrip("."))


def parse_email(text: str) -> str | None:
    """The normalised address in `text`, if its syntax and domain shape are valid."""
    written = email_written(text)
    if not written:
        return None
    try:
        return validate_email(written.text, check_deliverability=False).normalized
    except EmailNotValidError:
        return None


def is_skip(text: str) -> bool:
    return (text or "").strip().lower().rstrip(".!") in SKIP_WORDS


# Digits written as a phone number: "+60 12-345 6789", "(555) 123-4567", "07700 900123".
_PHONE_LIKE = re.compile(r"(?<![\w+])(?:\+\s?)?\(?\d[\d\s().-]{5,}\d(?!\w)")
_PHONE_DIGITS = range(7, 16)
# Numbers divers from elsewhere write without their country code, told apart
# by shape: a Singapore mobile or landline (8 digits, no trunk 0) before
# Malaysia, whose numbers start with 0 ...
_SINGAPORE = ("SG", re.compile(r"[3689]\d{7}"))
# ... and after Malaysia: a UK number (0 and 10 digits), an Australian one
# (0 and 9), a North American one (10 digits, no trunk 0). Their numbers
# only need a possible length: a partner calls what the diver wrote.
_ABROAD = (
    ("GB", re.compile(r"0[1-9]\d{9}")),
    ("AU", re.compile(r"0[2-478]\d{8}")),
    ("US", re.compile(r"1?[2-9]\d{9}")),
)


def _phone_number(written: str, region: str) -> phonenumbers.PhoneNumber | None:
    """The number `written` stands for, or None if it is none anywhere we can tell."""
    digits = re.sub(r"\D", "", written)
    if len(digits) not in _PHONE_DIGITS:
        return None

    def parsed(text: str, in_region: str | None) -> phonenumbers.PhoneNumber | None:
        try:
            return phonenumbers.parse(text, in_region)
        except phonenumbers.NumberParseException:
            return None

    if written.lstrip().startswith("+") or digits.startswith("00"):
        # With its country code, a number of a possible length is kept even
        # when its range is not allocated yet: the partner calls it.
        number = parsed("+" + digits.removeprefix("00"), None)
        return number if number and phonenumbers.is_possible_number(number) else None
    candidates: list[tuple[str | None, str, bool]] = []
    if _SINGAPORE[1].fullmatch(digits):
        candidates.append((_SINGAPORE[0], digits, False))
    candidates.append((region, digits, False))
    if not digits.startswith("0"):
        candidates.append((None, "+" + digits, False))  # a country code without its "+"
    candidates += [(abroad, digits, True) for abroad, shape in _ABROAD if shape.fullmatch(digits)]
    for in_region, text, possible_enough in candidates:
        number = parsed(text, in_region)
        if number and (
            phonenumbers.is_valid_number(number)
            or (possible_enough and phonenumbers.is_possible_number(number))
        ):
            return number
    return None


def phone_written(text: str, region: str = DEFAULT_PHONE_REGION) -> Written | None:
    """The first phone number in `text` that `parse_phone` accepts, as typed."""
    for match in _PHONE_LIKE.finditer(text or ""):
        written = match.group(0).strip()
        if _phone_number(written, region):
            start = match.start() + match.group(0).index(written)
            return Written(start, start + len(written), written)
    return None


def parse_phone(text: str, region: str = DEFAULT_PHONE_REGION) -> str | None:
    """The number in E.164 form (+60...), or None if `text` holds no phone number.

    A number without its country code is Malaysian unless its shape says
    otherwise: "9123 4471" is Singaporean, "07700 900123" British,
    "0412 345 678" Australian, "(555) 123-4567" North American.
    """
    written = phone_written(text, region)
    number = _phone_number(written.text, region) if written else None
    if number is None:
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


_GROUP_WORDS = NUMBER_WORDS | {"just me": 1, "solo": 1, "alone": 1, "couple": 2}
_GROUP_WORD = re.compile(rf"\b({words_pattern(_GROUP_WORDS)})\b")


# "me and 2 friends" counts the diver too; "my wife and I" is two.
_ME = r"(?:me|myself|i)"
_ME_AND_OTHERS = re.compile(
    rf"\b{_ME}\s+(?:and|plus|\+|with|&)\s+(?:my\s+|another\s+)?(\d+|{words_pattern(NUMBER_WORDS)})\b"
)
_COMPANION = (
    r"(?:wife|husband|partner|buddy|dive buddy|friend|girlfriend|boyfriend|son|daughter|"
    r"brother|sister|mum|mom|dad|colleague|kid|child)"
)
_ME_AND_ONE = re.compile(
    rf"\b{_ME}\s+(?:and|plus|\+|with|&)\s+(?:my|a)\s+{_COMPANION}\b"
    rf"|\b(?:my|a)\s+{_COMPANION}\s+(?:and|&)\s+(?:i|me)\b"
)


# A number the diver puts in place of the one they just typed ("3 people... sorry, make it 6").
SELF_REPAIR = re.compile(
    r"\b(?:no|sorry|make (?:it|that)|i mean|actually|wait|or rather)\b[\s,.!-]*"
    rf"(?:(?:it's|its|make it|make that|just|only)\s+)?(\d{{1,3}}|{words_pattern(NUMBER_WORDS)})\b"
)


def self_corrected(text: str) -> bool:
    """Whether an answer puts a number in place of the one typed before it ("3... make it 6")."""
    lowered = (text or "").lower()
    first = re.search(r"\d+", lowered)
    return bool(first and SELF_REPAIR.search(lowered, first.end()))


def parse_group_size(text: str) -> int | None:
    """A group size between 1 and MAX_GROUP_SIZE from digits or a number word.

    A diver who corrects themselves in the same message means the last number.
    """
    lowered = (text or "").lower()
    first = re.search(r"\d+", lowered)
    if first and (later := SELF_REPAIR.search(lowered, first.end())):
        lowered = later.group(1)
    if match := _ME_AND_OTHERS.search(lowered):
        count = match.group(1)
        size = 1 + (int(count) if count.isdigit() else NUMBER_WORDS[count])
        return size if size <= MAX_GROUP_SIZE else None
    if _ME_AND_ONE.search(lowered):
        return 2
    digits = re.search(r"\d+", lowered)
    if digits:
        size = int(digits.group(0))
    else:
        word = _GROUP_WORD.search(lowered)
        size = _GROUP_WORDS[word.group(1)] if word else 0
    return size if 1 <= size <= MAX_GROUP_SIZE else None


def parse_level(text: str) -> str | None:
    """A certification code from a code, an entity value or plain words."""
    lowered = (text or "").strip().lower()
    if lowered in CERTIFICATION_LEVELS:
        return lowered
    # Every agency's spelling ("CMAS 2 star", "BSAC Sports Diver"), the longest first.
    stated = stated_level(lowered)
    if stated:
        return stated
    for words, code in (
        (("divemaster", "dive master", " dm"), "divemaster"),
        (("rescue",), "rescue"),
        (("advanced", "aow", "adventurer"), "advanced_open_water"),
        (("open water", "openwater", "ow", "scuba diver"), "open_water"),
        (("discover", "try dive", "try scuba", "intro dive"), "discover_scuba"),
    ):
        if any(re.search(rf"(?:^|\b){re.escape(w.strip())}\b", lowered) for w in words):
            return code
    return next(
        (code for word, code in LEVEL_WORDS.items() if re.search(rf"\b{word}\b", lowered)), None
    )


def is_plausible_name(text: str) -> bool:
    """A name is short, has letters, and is not a question or an address."""
    cleaned = (text or "").strip()
    return (
        1 < len(cleaned) <= 80
        and any(ch.isalpha() for ch in cleaned)
        and "?" not in cleaned
        and "@" not in cleaned
        and len(cleaned.split()) <= 6
    )
