"""Holidays divers plan trips around, and their dates.

"Hari Raya", "the Vesak Day long weekend", "after Ramadan" or "Easter" are
dates to a dive centre in Malaysia, so the enquiry forms read them as dates.
Fixed-date holidays and Easter are computed; the ones that follow the lunar
or Islamic calendars are listed per year as Malaysia observes them (the
announced dates can move by a day when the moon is sighted). A holiday in a
year past the table is not guessed: the caller keeps the diver's words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

# The first and last day of each moving holiday, by year.
_LUNAR: dict[str, dict[int, tuple[date, date]]] = {
    "chinese_new_year": {
        2026: (date(2026, 2, 17), date(2026, 2, 18)),
        2027: (date(2027, 2, 6), date(2027, 2, 7)),
        2028: (date(2028, 1, 26), date(2028, 1, 27)),
        2029: (date(2029, 2, 13), date(2029, 2, 14)),
        2030: (date(2030, 2, 3), date(2030, 2, 4)),
    },
    "ramadan": {
        2026: (date(2026, 2, 19), date(2026, 3, 20)),
        2027: (date(2027, 2, 8), date(2027, 3, 9)),
        2028: (date(2028, 1, 28), date(2028, 2, 26)),
        2029: (date(2029, 1, 16), date(2029, 2, 14)),
        2030: (date(2030, 1, 6), date(2030, 2, 4)),
    },
    "hari_raya_aidilfitri": {
        2026: (date(2026, 3, 21), date(2026, 3, 22)),
        2027: (date(2027, 3, 10), date(2027, 3, 11)),
        2028: (date(2028, 2, 27), date(2028, 2, 28)),
        2029: (date(2029, 2, 15), date(2029, 2, 16)),
        2030: (date(2030, 2, 5), date(2030, 2, 6)),
    },
    "hari_raya_haji": {
        2026: (date(2026, 5, 27), date(2026, 5, 27)),
        2027: (date(2027, 5, 17), date(2027, 5, 17)),
        2028: (date(2028, 5, 5), date(2028, 5, 5)),
        2029: (date(2029, 4, 24), date(2029, 4, 24)),
        2030: (date(2030, 4, 13), date(2030, 4, 13)),
    },
    "vesak": {
        2026: (date(2026, 5, 31), date(2026, 5, 31)),
        2027: (date(2027, 5, 20), date(2027, 5, 20)),
        2028: (date(2028, 5, 9), date(2028, 5, 9)),
        2029: (date(2029, 5, 27), date(2029, 5, 27)),
        2030: (date(2030, 5, 16), date(2030, 5, 16)),
    },
    "deepavali": {
        2026: (date(2026, 11, 8), date(2026, 11, 8)),
        2027: (date(2027, 10, 28), date(2027, 10, 28)),
        2028: (date(2028, 10, 17), date(2028, 10, 17)),
        2029: (date(2029, 11, 5), date(2029, 11, 5)),
        2030: (date(2030, 10, 26), date(2030, 10, 26)),
    },
}
# Fixed dates: (month, first day, month, last day) of the same year.
_FIXED: dict[str, tuple[int, int, int, int]] = {
    "christmas": (12, 24, 12, 26),
    "new_year": (12, 31, 1, 1),
    "labour_day": (5, 1, 5, 1),
    "golden_week": (4, 29, 5, 5),
    "songkran": (4, 13, 4, 15),
    "singapore_national_day": (8, 9, 8, 9),
    "merdeka": (8, 31, 8, 31),
    "malaysia_day": (9, 16, 9, 16),
}
# What divers call each holiday, as regular expressions over lower-case text.
HOLIDAY_NAMES: dict[str, str] = {
    "chinese_new_year": r"chinese new year|lunar new year|\bcny\b|spring festival",
    "hari_raya_haji": r"(?:hari )?raya (?:haji|aidiladha|korban)|aidiladha|eid al[- ]?adha|"
    r"eid ul[- ]?adha|\bkorban\b|\bqurban\b",
    "hari_raya_aidilfitri": r"hari raya(?: aidilfitri| puasa)?|\braya\b|aidilfitri|"
    r"eid(?: al[- ]?fitr| ul[- ]?fitr)?\b|lebaran",
    "ramadan": r"ramadh?an|ramzan|\bpuasa\b|fasting month",
    "vesak": r"[vw]esak(?: day)?",
    "deepavali": r"deepavali|diwali",
    "easter": r"easter",
    "christmas": r"christmas|x-?mas",
    "new_year": r"new year'?s?(?: eve| day)?|\bnye\b",
    "labour_day": r"labou?r day",
    "golden_week": r"golden week",
    "songkran": r"songkran",
    "singapore_national_day": r"(?:singapore|sg|s'pore) national day|\bndp\b",
    "merdeka": r"merdeka|(?:malaysian? )?independence day|hari kebangsaan",
    "malaysia_day": r"malaysia day|hari malaysia",
    "thanksgiving": r"thanksgiving",
}
_HOLIDAY = re.compile("|".join(f"(?P<{key}>{pattern})" for key, pattern in HOLIDAY_NAMES.items()))


@dataclass(frozen=True)
class Holiday:
    """A holiday named in a diver's words: which one, and the explicit year if any."""

    key: str
    start: int
    end: int


def holiday_named(lowered: str) -> Holiday | None:
    """The first holiday named in lower-case text ("hari raya", "cny", "easter")."""
    found = _HOLIDAY.search(lowered)
    if found is None or found.lastgroup is None:
        return None
    return Holiday(found.lastgroup, found.start(), found.end())


def easter_sunday(year: int) -> date:
    """Western Easter Sunday (the anonymous Gregorian computus)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = b // 4, b % 4
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = c // 4, c % 4
    l_ = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * l_) // 451
    month = (h + l_ - 7 * m + 114) // 31
    day = (h + l_ - 7 * m + 114) % 31 + 1
    return date(year, month, day)


def _thanksgiving(year: int) -> date:
    """The fourth Thursday of November (the US holiday)."""
    first = date(year, 11, 1)
    return first + timedelta(days=(3 - first.weekday()) % 7 + 21)


def holiday_days(key: str, year: int) -> tuple[date, date] | None:
    """The first and last day of a holiday in the year it starts, or None past the table."""
    if key in _LUNAR:
        return _LUNAR[key].get(year)
    if key == "easter":
        sunday = easter_sunday(year)
        return sunday - timedelta(days=2), sunday + timedelta(days=1)
    if key == "thanksgiving":
        thursday = _thanksgiving(year)
        return thursday, thursday + timedelta(days=3)
    first_month, first_day, last_month, last_day = _FIXED[key]
    last_year = year + (last_month < first_month)
    return date(year, first_month, first_day), date(last_year, last_month, last_day)


def next_holiday(key: str, today: date, year: int | None = None) -> tuple[date, date] | None:
    """The holiday's days in `year`, or its next occurrence not yet over."""
    if year is not None:
        return holiday_days(key, year)
    for candidate in (today.year - 1, today.year, today.year + 1):
        days = holiday_days(key, candidate)
        if days and days[1] >= today:
            return days
    return None


def long_weekend(start: date, end: date) -> tuple[date, date]:
    """The days off around a holiday: back to the Saturday before a Monday or
    Tuesday, on to the Sunday after a Thursday or Friday."""
    if start.weekday() in (0, 1):
        start -= timedelta(days=start.weekday() + 2)
    if end.weekday() in (3, 4):
        end += timedelta(days=6 - end.weekday())
    return start, end
