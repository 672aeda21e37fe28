"""Reading when a diver wants to go: dates, spans, holidays and named times of year."""

from datetime import date

import pytest

from dovvybuddy.leads.travel_dates import (
    format_date_range,
    parse_date_range,
    parse_travel_dates,
    readable_dates,
)

TODAY = date(2026, 11, 30)  # a Monday


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("early May", (date(2027, 5, 1), date(2027, 5, 10))),
        ("mid-June 2027", (date(2027, 6, 11), date(2027, 6, 20))),
        ("late december", (date(2026, 12, 21), date(2026, 12, 31))),
        ("next spring", (date(2027, 3, 1), date(2027, 5, 31))),
        ("winter", (date(2026, 12, 1), date(2027, 2, 28))),
        ("5-9 Aug", (date(2027, 8, 5), date(2027, 8, 9))),
        ("Aug 5-9", (date(2027, 8, 5), date(2027, 8, 9))),
        ("jun 20-25", (date(2027, 6, 20), date(2027, 6, 25))),
        ("15 June to 20 June", (date(2027, 6, 15), date(2027, 6, 20))),
        ("July", (date(2027, 7, 1), date(2027, 7, 31))),
        ("sometime in August", (date(2027, 8, 1), date(2027, 8, 31))),
        ("in two weeks", (date(2026, 12, 14), date(2026, 12, 14))),
        ("first week of May", (date(2027, 5, 1), date(2027, 5, 7))),
        ("the last two weeks of August", (date(2027, 8, 18), date(2027, 8, 31))),
        ("second half of June", (date(2027, 6, 16), date(2027, 6, 30))),
        ("first weekend of June", (date(2027, 6, 5), date(2027, 6, 6))),
        ("next April", (date(2027, 4, 1), date(2027, 4, 30))),
        # The month first, and words that say nothing about the time.
        ("make it November then, first half", (date(2027, 11, 1), date(2027, 11, 15))),
        ("September, end of the month", (date(2027, 9, 21), date(2027, 9, 30))),
        ("how about late March please", (date(2027, 3, 21), date(2027, 3, 31))),
    ],
)
def test_natural_dates_become_future_ranges(text, expected):
    assert parse_date_range(text, TODAY) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("late May / early June", (date(2027, 5, 21), date(2027, 6, 10))),
        ("June or July", (date(2027, 6, 1), date(2027, 7, 31))),
        ("june-july", (date(2027, 6, 1), date(2027, 7, 31))),
        ("20 Jun - 2 Jul", (date(2027, 6, 20), date(2027, 7, 2))),
        ("mid to late June", (date(2027, 6, 11), date(2027, 6, 30))),
        # The second month is in the next year.
        ("December to February", (date(2026, 12, 1), date(2027, 2, 28))),
    ],
)
def test_two_times_joined_are_one_span(text, expected):
    assert parse_date_range(text, TODAY) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Thursday 20 May 2027: on to the Sunday.
        ("Vesak Day long weekend", (date(2027, 5, 20), date(2027, 5, 23))),
        ("Hari Raya", (date(2027, 3, 10), date(2027, 3, 14))),
        ("Chinese New Year", (date(2027, 2, 6), date(2027, 2, 7))),
        ("CNY 2028", (date(2028, 1, 26), date(2028, 1, 30))),
        # Good Friday to Easter Monday.
        ("Easter", (date(2027, 3, 26), date(2027, 3, 29))),
        ("after Ramadan", (date(2027, 3, 10), date(2027, 3, 23))),
        ("the two weeks before Christmas", (date(2026, 12, 10), date(2026, 12, 23))),
        ("Christmas and New Year", (date(2026, 12, 24), date(2027, 1, 3))),
        ("Deepavali", (date(2027, 10, 28), date(2027, 10, 31))),
    ],
)
def test_holidays_are_their_days_or_the_days_around_them(text, expected):
    assert parse_date_range(text, TODAY) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("sometime next year", (date(2027, 1, 1), date(2027, 12, 31))),
        ("early next year", (date(2027, 1, 1), date(2027, 5, 2))),
        ("2027", (date(2027, 1, 1), date(2027, 12, 31))),
        ("next month", (date(2026, 12, 1), date(2026, 12, 31))),
        ("next week", (date(2026, 12, 7), date(2026, 12, 13))),
        ("this weekend", (date(2026, 12, 5), date(2026, 12, 6))),
        ("year end", (date(2026, 12, 1), date(2026, 12, 31))),
        ("asap", (date(2026, 11, 30), date(2026, 12, 30))),
    ],
)
def test_vague_periods_are_their_whole_span(text, expected):
    assert parse_date_range(text, TODAY) == expected


@pytest.mark.parametrize(
    "text",
    [
        "whenever",
        "sometime",
        "9-5 Aug",
        "",
        "no",
        "Nope.",
        "na",
        "no?",
        "n/a",
        "No :(",
        "not sure yet",
        "dunno",
        # dateparser read the day range as the year 2125.
        "jun 2125",
    ],
)
def test_vague_backwards_or_far_dates_are_refused(text):
    assert parse_date_range(text, TODAY) is None


@pytest.mark.parametrize(
    ("text", "stored"),
    [
        ("early May", "2027-05-01/2027-05-10"),
        ("Hari Raya", "2027-03-10/2027-03-14"),
        # A time of year without dates of its own, or a holiday past the calendar.
        ("school holidays", "school holidays"),
        ("during the semester break", "semester break"),
        ("we'd go in the school holidays, maybe", "school holidays, maybe"),
        ("Hari Raya 2035", "Hari Raya 2035"),
        ("whenever", None),
        ("not sure", None),
    ],
)
def test_the_form_stores_a_range_or_a_named_time_of_year_as_said(text, stored):
    assert parse_travel_dates(text, TODAY) == stored


def test_ranges_are_stored_as_iso_and_read_as_days():
    assert format_date_range(date(2027, 5, 1), date(2027, 5, 10)) == "2027-05-01/2027-05-10"
    assert format_date_range(date(2027, 5, 1), date(2027, 5, 1)) == "2027-05-01"
    assert readable_dates("2027-05-01/2027-05-10") == "1-10 May 2027"
    assert readable_dates("2026-12-24/2027-01-03") == "24 Dec 2026 - 3 Jan 2027"
    assert readable_dates("school holidays") == "school holidays"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("03/04/2027 - 10/04/2027", (date(2027, 4, 3), date(2027, 4, 10))),
        ("between 5 and 12 April", (date(2027, 4, 5), date(2027, 4, 12))),
        ("Mar 3 and 9", (date(2027, 3, 3), date(2027, 3, 9))),
    ],
)
def test_day_first_numeric_dates_and_between_ranges(text, expected):
    assert parse_date_range(text, TODAY) == expected


def test_a_numeric_date_that_can_only_be_month_first_is_read_month_first():
    assert parse_date_range("7/20", TODAY) == (date(2027, 7, 20), date(2027, 7, 20))
