"""When a diver wants to go: "early May", "5-9 Aug", "Hari Raya", "sometime next year".

The enquiry forms store the answer as an inclusive ISO date range in the
future ('2027-05-01/2027-05-10'), shown to the diver as '1-10 May 2027'.
A dive centre also takes a time that has no dates of its own ("the school
holidays"): `parse_travel_dates` keeps such an answer in the diver's words.
What names no time at all ("whenever", "no") is refused, so the form asks again.
"""

from __future__ import annotations

import calendar
import re
from datetime import date, datetime, timedelta

import dateparser

from dovvybuddy.knowledge.holidays import holiday_named, long_weekend, next_holiday

# An enquiry is for a trip in the next few years; a date past this is a misreading.
MAX_DAYS_AHEAD = 3 * 366
# How long "after Ramadan" or "before Christmas" lasts.
_AROUND_A_HOLIDAY = timedelta(days=14)
_MAX_KEPT_WORDS = 80

_MONTHS = {name.lower(): number for number, name in enumerate(calendar.month_name) if name}
_MONTHS.update({name.lower(): number for number, name in enumerate(calendar.month_abbr) if name})
MONTH = (
    r"(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
)
_YEAR = r"(?:,?\s+(\d{4}))?"
_DAY = r"(\d{1,2})(?:st|nd|rd|th)?"
_PART_OF_MONTH = re.compile(
    rf"\b(early|beginning of|start of|mid|middle of|late|end of)\s+(?:of\s+)?{MONTH}{_YEAR}\b"
)
_DAY_RANGE = re.compile(
    rf"\b{_DAY}\s*(?:-|–|to|until|till|and|&)\s*{_DAY}\s+(?:of\s+)?{MONTH}{_YEAR}\b"
)
_MONTH_DAY_RANGE = re.compile(
    rf"\b{MONTH}\s+{_DAY}\s*(?:-|–|to|until|till|and|&)\s*{_DAY}{_YEAR}\b"
)
_MONTH_ONLY = re.compile(rf"^(?:(?:next|this)\s+)?{MONTH}{_YEAR}$")
# "first week of May", "the last two weeks of August", "second half of June".
_WEEKS_OF_MONTH = re.compile(
    r"\b(first|1st|second|2nd|third|3rd|fourth|4th|last|final)\s+(?:(two|2)\s+weeks|week|half)"
    rf"\s+of\s+{MONTH}{_YEAR}\b"
)
_WEEKEND_OF_MONTH = re.compile(
    rf"\b(first|1st|second|2nd|third|3rd|fourth|4th|last|final)\s+weekend\s+(?:of|in)\s+"
    rf"{MONTH}{_YEAR}\b"
)
_ORDINAL = {"first": 0, "1st": 0, "second": 1, "2nd": 1, "third": 2, "3rd": 2}
_ORDINAL |= {"fourth": 3, "4th": 3}
_SEASON = re.compile(r"\b(?:next\s+|this\s+)?(spring|summer|autumn|fall|winter)\b")
# Meteorological seasons of the northern hemisphere: their first month.
_SEASONS = {"spring": 3, "summer": 6, "autumn": 9, "fall": 9, "winter": 12}
_RELATIVE = re.compile(
    r"^(?:(early|mid|middle of|late|end of)\s+)?(?:(?:the|a)\s+)?(next|this|coming)\s+"
    r"(week|weekend|month|year)$"
)
_YEAR_END = re.compile(r"^(?:the\s+)?(?:end of (?:the |this )?year|year[- ]end)$")
_YEAR_ONLY = re.compile(r"^(20\d\d)$")
_SOON = re.compile(r"^(?:asap|as soon as possible|soonest|as early as possible)$")
_SOON_DAYS = 30
# Words around a time that say nothing about it.
_LEADING = re.compile(
    r"^(?:(?:make it|make that|let's say|lets say|let's do|lets do|say|how about|go for|"
    r"change (?:it|that|them) to|we could do|we can do|(?:i|we)'d prefer|prefer|"
    r"sometime|some time|anytime|any time|around|about|approx(?:imately)?|roughly|"
    r"probably|maybe|hopefully|ideally|preferably|likely|thinking|planning|aiming for|later|"
    r"we(?:'re| are) (?:thinking|planning|looking at)|i(?:'m| am) (?:thinking|planning)|"
    r"looking at|in|during|over|on|for|at|the)\b[\s,]*)+"
)
_TRAILING = re.compile(
    r"(?:[\s,]*(?:-?ish|or so|if possible|probably|maybe|hopefully|please|pls|thanks|"
    r"thank you|sometime|time|period|(?:school |uni |semester |term )?"
    r"(?:holidays?|hols|break|vacation)))+$"
)
# Words that say nothing about a time, wherever they are ("November then, first half").
_FILLER_WORDS = re.compile(
    r"\b(?:then|instead|actually|please|pls|plz|perhaps|sorry|ok|okay|oh|hmm|um|uh|lol)\b"
)
# A month said first: "November, first half", "June - early", "Aug 2027, last week".
_MONTH_FIRST = re.compile(
    rf"^{MONTH}{_YEAR}[,\s-]+(?:the\s+)?((?:first|1st|second|2nd|third|3rd|fourth|4th|last|final)"
    r"\s+(?:(?:two|2)\s+weeks|week|half|weekend)|early|mid|middle|late|end|beginning|start)"
    r"(?:\s+of\s+(?:the\s+)?month)?$"
)
_PART_WORDS = {"middle": "mid", "end": "end of", "beginning": "beginning of", "start": "start of"}
# Two times joined into one span: "late May / early June", "June or July".
_JOIN = re.compile(
    r"\s+(?:to|until|till|through|thru|or|and)\s+|\s*–\s*|\s+[-/]\s*|\s*[-/]\s+|"
    r"(?<=[a-z])[-/](?=[a-z])"
)
# A time of year a dive centre takes as said, though it has no dates of its own.
NAMED_PERIOD = re.compile(
    r"\b(?:school|uni|university|college|semester|sem|term|mid-?term|festive|public|bank|"
    r"summer|winter|spring|easter|christmas|year[- ]end)\s+(?:holidays?|hols|break|vacation)\b"
)


def _year_for(month: int, explicit: str | None, today: date) -> int:
    if explicit:
        return int(explicit)
    return today.year if month >= today.month else today.year + 1


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _month(name: str) -> int:
    return _MONTHS[name[:3]]


def _parse_day(text: str, today: date) -> date | None:
    # English only: left to guess the language, dateparser read "no", "na"
    # or "n/a" (answers to "when?") as today's date in Norwegian or Swahili.
    # Day first, as most divers here write it ("03/04" is 3 April); "7/20" can only be month first.
    for order in ("DMY", "MDY"):
        parsed = dateparser.parse(
            text,
            languages=["en"],
            settings={
                "PREFER_DATES_FROM": "future",
                "RELATIVE_BASE": datetime.combine(today, datetime.min.time()),
                "PREFER_DAY_OF_MONTH": "first",
                "DATE_ORDER": order,
            },
        )
        if parsed and today <= parsed.date() <= today + timedelta(days=MAX_DAYS_AHEAD):
            return parsed.date()
    return None


def _normalised(text: str) -> str:
    lowered = (text or "").lower().replace("’", "'").replace("mid-", "mid ")
    return re.sub(r"\s+", " ", lowered).strip(" .!?,")


def _trimmed(lowered: str) -> str:
    words = re.sub(r"\s+", " ", _FILLER_WORDS.sub(" ", lowered)).strip(" .!?,")
    words = re.sub(r"\s+,", ",", words)
    trimmed = _TRAILING.sub("", _LEADING.sub("", words)).strip(" .!?,")
    if match := _MONTH_FIRST.match(trimmed):
        month, year, part = match.groups()
        when = f"{month} {year}" if year else month
        if part in ("early", "mid", "late") or part in _PART_WORDS:
            return f"{_PART_WORDS.get(part, part)} {when}"
        return f"{part} of {when}"
    return trimmed


def parse_date_range(text: str, today: date) -> tuple[date, date] | None:
    """An inclusive (start, end) range from natural language, in the future.

    "early May", "mid-June 2027", "next spring", "5-9 Aug", "Aug 5-9",
    "15 June to 20 June", "late May / early June", "July", "in two weeks",
    "20/7", "Hari Raya", "after Ramadan", "the Vesak Day long weekend",
    "sometime next year".
    """
    lowered = _normalised(text)
    if not lowered:
        return None
    if _DAY_RANGE.search(lowered) or _MONTH_DAY_RANGE.search(lowered):
        # A range of days is read as one, or refused when it runs backwards ("9-5 Aug").
        span = _day_range(lowered, today)
    else:
        span = _joined(lowered, today) or _period(lowered, today)
    if span and span[1] < today and span[0] != span[1] and not re.search(r"\b20\d\d\b", lowered):
        # "the first half of November", said at the end of November, is next year's.
        span = _a_year_later(span)
    if span is None or span[1] < today or span[0] > today + timedelta(days=MAX_DAYS_AHEAD):
        return None
    return span


def parse_travel_dates(text: str, today: date) -> str | None:
    """What the form stores for "when?": an ISO range, or a named time of year as written."""
    dates = parse_date_range(text, today)
    if dates:
        return format_date_range(*dates)
    # Kept from the time's name on: "we'd go in the school holidays" keeps
    # "school holidays", with what the diver said after it.
    written = re.sub(r"\s+", " ", text).strip(" .!?,")
    period = NAMED_PERIOD.search(written.lower())
    holiday = holiday_named(written.lower())
    starts = [found.start for found in (holiday,) if found] + [m.start() for m in (period,) if m]
    return written[min(starts) :][:_MAX_KEPT_WORDS] if starts else None


def _day_range(lowered: str, today: date) -> tuple[date, date] | None:
    """ "5-9 Aug", "Aug 5-9", "10 to 17 July 2027"; None when it runs backwards."""
    if match := _DAY_RANGE.search(lowered):
        first, last, month_name, year_text = match.groups()
    elif match := _MONTH_DAY_RANGE.search(lowered):
        month_name, first, last, year_text = match.groups()
    else:
        return None
    month = _month(month_name)
    year = _year_for(month, year_text, today)
    try:
        start, end = date(year, month, int(first)), date(year, month, int(last))
    except ValueError:
        return None
    return (start, end) if start <= end else None


def _joined(lowered: str, today: date) -> tuple[date, date] | None:
    """Two times joined into one span: "late May / early June", "June or July", "20 Jun - 2 Jul"."""
    for separator in _JOIN.finditer(lowered):
        head, tail = lowered[: separator.start()], lowered[separator.end() :]
        first = _period(head, today)
        if first is None and (month := re.search(rf"\b{MONTH}\b", tail)):
            # "mid to late June": the first part shares the second's month.
            first = _period(f"{head} {month.group(0)}", today)
        second = _period(tail, today)
        if first is None or second is None:
            continue
        if second[1] < first[0]:
            # "November to February": the second month is in the next year.
            second = _a_year_later(second)
        if second and first[0] <= second[1]:
            return first[0], second[1]
    return None


def _a_year_later(span: tuple[date, date]) -> tuple[date, date] | None:
    try:
        return span[0].replace(year=span[0].year + 1), span[1].replace(year=span[1].year + 1)
    except ValueError:  # 29 February
        return None


def _period(lowered: str, today: date) -> tuple[date, date] | None:
    """One time: a part or week of a month, a month, a season, a holiday, a day."""
    trimmed = _trimmed(lowered)
    if not trimmed:
        return None
    if match := _WEEKS_OF_MONTH.search(trimmed):
        return _weeks_of_month(match, today)
    if match := _WEEKEND_OF_MONTH.search(trimmed):
        return _weekend_of_month(match, today)
    if match := _PART_OF_MONTH.search(trimmed):
        part, month_name, year_text = match.groups()
        month = _month(month_name)
        year = _year_for(month, year_text, today)
        early, middle = ("early", "beginning of", "start of"), ("mid", "middle of")
        first_day = 1 if part in early else 11 if part in middle else 21
        end = (
            date(year, month, 10)
            if part in early
            else date(year, month, 20)
            if part in middle
            else _month_end(year, month)
        )
        return date(year, month, first_day), end
    if match := _MONTH_ONLY.match(trimmed):
        month_name, year_text = match.groups()
        month = _month(month_name)
        year = _year_for(month, year_text, today)
        return date(year, month, 1), _month_end(year, month)
    holiday = _holiday(trimmed, today)
    if holiday:
        return holiday
    relative = _relative(trimmed, today)
    if relative:
        return relative
    if match := _SEASON.search(trimmed):
        first_month = _SEASONS[match.group(1)]
        explicit = re.search(r"\b(20\d\d)\b", trimmed)
        year = _year_for(first_month, explicit.group(1) if explicit else None, today)
        end_month, end_year = (first_month + 2 - 1) % 12 + 1, year + (first_month + 2 > 12)
        return date(year, first_month, 1), _month_end(end_year, end_month)
    if _SOON.match(trimmed):
        return today, today + timedelta(days=_SOON_DAYS)
    # Only a day is left ("the 20th", "in two weeks"); a day already past is not a trip date.
    for words in dict.fromkeys((lowered, trimmed)):
        day = _parse_day(words, today)
        if day and day >= today:
            return day, day
    return None


def _holiday(trimmed: str, today: date) -> tuple[date, date] | None:
    """The days of a holiday named, "after" or "before" it, or the long weekend around it."""
    holiday = holiday_named(trimmed)
    if holiday is None:
        return None
    explicit = re.search(r"\b(20\d\d)\b", trimmed)
    days = next_holiday(holiday.key, today, int(explicit.group(1)) if explicit else None)
    if days is None:
        return None
    before = trimmed[: holiday.start]
    if re.search(r"\b(?:after|post)\b", before):
        return days[1] + timedelta(days=1), days[1] + _AROUND_A_HOLIDAY
    if re.search(r"\b(?:before|pre)\b", before):
        return days[0] - _AROUND_A_HOLIDAY, days[0] - timedelta(days=1)
    return long_weekend(*days)


def _relative(trimmed: str, today: date) -> tuple[date, date] | None:
    """ "next week", "this weekend", "next month", "sometime next year", "year end", "2027"."""
    if _YEAR_END.match(trimmed):
        year = today.year
        return date(year, 12, 1), date(year, 12, 31)
    if match := _YEAR_ONLY.match(trimmed):
        year = int(match.group(1))
        return date(year, 1, 1), date(year, 12, 31)
    match = _RELATIVE.match(trimmed)
    if match is None:
        return None
    part, which, unit = match.groups()
    later = which != "this"
    if unit == "week":
        monday = today - timedelta(days=today.weekday()) + timedelta(weeks=int(later))
        return max(monday, today), monday + timedelta(days=6)
    if unit == "weekend":
        saturday = today + timedelta(days=(5 - today.weekday()) % 7)
        if today.weekday() == 6:
            saturday = today - timedelta(days=1)
        if which == "next":
            saturday += timedelta(weeks=1)
        return max(saturday, today), saturday + timedelta(days=1)
    if unit == "month":
        year, month = (today.year, today.month)
        if later:
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        start, end = date(year, month, 1), _month_end(year, month)
    else:
        year = today.year + int(later)
        start, end = date(year, 1, 1), date(year, 12, 31)
    start, end = _part_of(part, start, end)
    return max(start, today), end


def _part_of(part: str | None, start: date, end: date) -> tuple[date, date]:
    """The first, middle or last third of a span ("early next year", "late next month")."""
    if part is None:
        return start, end
    third = (end - start) // 3
    if part == "early":
        return start, start + third
    if part in ("mid", "middle of"):
        return start + third + timedelta(days=1), end - third - timedelta(days=1)
    return end - third, end


def _weeks_of_month(match: re.Match[str], today: date) -> tuple[date, date]:
    """The days of "first week of May", "last two weeks of Aug", "second half of June"."""
    ordinal, two_weeks, month_name, year_text = match.groups()
    month = _month(month_name)
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
    first = 1 + 7 * _ORDINAL[ordinal]
    return date(year, month, first), date(year, month, min(first + length - 1, last_day))


def _weekend_of_month(match: re.Match[str], today: date) -> tuple[date, date] | None:
    """The Saturday and Sunday of "the first weekend of June", "the last weekend in May"."""
    ordinal, month_name, year_text = match.groups()
    month = _month(month_name)
    year = _year_for(month, year_text, today)
    saturdays = [
        day
        for day in range(1, _month_end(year, month).day + 1)
        if date(year, month, day).weekday() == 5
    ]
    index = -1 if ordinal in ("last", "final") else _ORDINAL[ordinal]
    saturday = date(year, month, saturdays[index])
    return saturday, saturday + timedelta(days=1)


def format_date_range(start: date, end: date) -> str:
    """ISO range as stored: '2027-05-01/2027-05-10' (one date when start == end)."""
    return start.isoformat() if start == end else f"{start.isoformat()}/{end.isoformat()}"


def readable_dates(stored: str) -> str:
    """'2027-06-12/2027-06-15' as '12-15 Jun 2027'; a time kept in words as it is."""
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
