"""Parsing and checking what a diver types into the lead forms.

Each function takes the raw text (and sometimes today's date) and returns the
normalised value, or None when the text is not a valid answer, so the form
can ask again with a clear hint. Real libraries do the hard parts: email
syntax (email-validator), phone numbers (phonenumbers), dates (dateparser).
"""

from __future__ import annotations

import calendar
import re
from datetime import date, datetime

import dateparser
import phonenumbers
from email_validator import EmailNotValidError, validate_email

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
_MONTHS = {name.lower(): number for number, name in enumerate(calendar.month_name) if name}
_MONTHS.update({name.lower(): number for number, name in enumerate(calendar.month_abbr) if name})
_MONTH = (
    r"(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
)
_YEAR = r"(?:\s+(\d{4}))?"
_PART_OF_MONTH = re.compile(
    rf"\b(early|beginning of|mid|middle of|late|end of)\s+{_MONTH}{_YEAR}\b"
)
_DAY_RANGE = re.compile(
    rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s*(?:-|–|to|until)\s*"
    rf"(\d{{1,2}})(?:st|nd|rd|th)?\s+{_MONTH}{_YEAR}\b"
)
_MONTH_ONLY = re.compile(rf"^(?:in\s+|around\s+|during\s+|next\s+|this\s+)?{_MONTH}{_YEAR}$")
# "first week of May", "the last two weeks of August", "second half of June".
_WEEKS_OF_MONTH = re.compile(
    r"\b(first|1st|second|2nd|third|3rd|fourth|4th|last|final)\s+(?:(two|2)\s+weeks|week|half)"
    rf"\s+of\s+{_MONTH}{_YEAR}\b"
)
_ORDINAL_WEEK = {"first": 0, "1st": 0, "second": 1, "2nd": 1, "third": 2, "3rd": 2}
_ORDINAL_WEEK |= {"fourth": 3, "4th": 3}
_SEASON = re.compile(r"\b(?:next\s+|this\s+)?(spring|summer|autumn|fall|winter)\b")
_RANGE_SEPARATOR = re.compile(r"\s+(?:to|until|till)\s+|\s*(?:-|–)\s+|\s+(?:-|–)\s*")
# Meteorological seasons of the northern hemisphere: the first month and length.
_SEASONS = {"spring": 3, "summer": 6, "autumn": 9, "fall": 9, "winter": 12}

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


def parse_email(text: str) -> str | None:
    """The normalised address in `text`, if its syntax and domain shape are valid."""
    match = _EMAIL_IN_TEXT.search(text or "")
    if not match:
        return None
    try:
        return validate_email(match.group(0).strip("."), check_deliverability=False).normalized
    except EmailNotValidError:
        return None


def is_skip(text: str) -> bool:
    return (text or "").strip().lower().rstrip(".!") in SKIP_WORDS


def parse_phone(text: str, region: str = DEFAULT_PHONE_REGION) -> str | None:
    """The number in E.164 form (+60...), or None if it is not a valid number."""
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        return None
    # A number written with its country code that has a possible length is
    # kept even when its range is not allocated yet: the partner calls it.
    international = text.strip().startswith("+")
    if not phonenumbers.is_valid_number(number) and not (
        international and phonenumbers.is_possible_number(number)
    ):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def parse_group_size(text: str) -> int | None:
    """A group size between 1 and MAX_GROUP_SIZE from digits or a number word."""
    words = {
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
        "just me": 1,
        "solo": 1,
        "alone": 1,
        "couple": 2,
    }
    lowered = (text or "").lower()
    digits = re.search(r"\d+", lowered)
    if digits:
        size = int(digits.group(0))
    else:
        size = next((n for word, n in words.items() if re.search(rf"\b{word}\b", lowered)), 0)
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


def _year_for(month: int, explicit: str | None, today: date) -> int:
    if explicit:
        return int(explicit)
    return today.year if month >= today.month else today.year + 1


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _parse_day(text: str, today: date) -> date | None:
    # English only: left to guess the language, dateparser read "no", "na"
    # or "n/a" (answers to "when?") as today's date in Norwegian or Swahili.
    parsed = dateparser.parse(
        text,
        languages=["en"],
        settings={
            "PREFER_DATES_FROM": "future",
            "RELATIVE_BASE": datetime.combine(today, datetime.min.time()),
            "PREFER_DAY_OF_MONTH": "first",
        },
    )
    return parsed.date() if parsed else None


def parse_date_range(text: str, today: date) -> tuple[date, date] | None:
    """An inclusive (start, end) range from natural language, in the future.

    "early May", "mid-June 2027", "next spring", "5-9 Aug", "15 June to 20 June",
    "July", "in two weeks", "20/7".
    """
    lowered = re.sub(r"\s+", " ", (text or "").lower().replace("mid-", "mid ")).strip()
    if match := _WEEKS_OF_MONTH.search(lowered):
        return _weeks_of_month(match, today)
    if match := _PART_OF_MONTH.search(lowered):
        part, month_name, year_text = match.groups()
        month = _MONTHS[month_name[:3]]
        year = _year_for(month, year_text, today)
        first_day = {"early": 1, "beginning of": 1, "mid": 11, "middle of": 11}.get(part, 21)
        last_day = {"early": 10, "beginning of": 10, "mid": 20, "middle of": 20}.get(part)
        end = date(year, month, last_day) if last_day else _month_end(year, month)
        return date(year, month, first_day), end
    if match := _DAY_RANGE.search(lowered):
        first, last, month_name, year_text = match.groups()
        month = _MONTHS[month_name[:3]]
        year = _year_for(month, year_text, today)
        try:
            start, end = date(year, month, int(first)), date(year, month, int(last))
        except ValueError:
            return None
        return (start, end) if start <= end else None
    if match := _MONTH_ONLY.match(lowered):
        month_name, year_text = match.groups()
        month = _MONTHS[month_name[:3]]
        year = _year_for(month, year_text, today)
        return date(year, month, 1), _month_end(year, month)
    if match := _SEASON.search(lowered):
        first_month = _SEASONS[match.group(1)]
        year = _year_for(first_month, None, today)
        start = date(year, first_month, 1)
        end_month, end_year = (first_month + 2 - 1) % 12 + 1, year + (first_month + 2 > 12)
        return start, _month_end(end_year, end_month)
    parts = _RANGE_SEPARATOR.split(lowered, maxsplit=1)
    if len(parts) == 2:
        start, end = _parse_day(parts[0], today), _parse_day(parts[1], today)
        if start and end and start <= end:
            return start, end
        return None
    day = _parse_day(lowered, today)
    if day and day >= today:
        return day, day
    return None


def _weeks_of_month(match: re.Match[str], today: date) -> tuple[date, date]:
    """The days of "first week of May", "last two weeks of Aug", "second half of June"."""
    ordinal, two_weeks, month_name, year_text = match.groups()
    month = _MONTHS[month_name[:3]]
    year = _year_for(month, year_text, today)
    last_day = _month_end(year, month).day
    if "half" in match.group(0):
        first_half = ordinal not in ("second", "2nd", "last", "final")
        return (
            (date(year, month, 1), date(year, month, 15))
            if first_half
            else (date(year, month, 16), date(year, month, last_day))
        )
    length = 14 if two_weeks else 7
    if ordinal in ("last", "final"):
        return date(year, month, last_day - length + 1), date(year, month, last_day)
    first = 1 + 7 * _ORDINAL_WEEK[ordinal]
    return date(year, month, first), date(year, month, min(first + length - 1, last_day))


def format_date_range(start: date, end: date) -> str:
    """ISO range as stored: '2027-05-01/2027-05-10' (one date when start == end)."""
    return start.isoformat() if start == end else f"{start.isoformat()}/{end.isoformat()}"


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
