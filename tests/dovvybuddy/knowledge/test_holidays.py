"""The holiday calendar divers plan trips around."""

from datetime import date

import pytest

from dovvybuddy.knowledge.holidays import (
    easter_sunday,
    holiday_named,
    long_weekend,
    next_holiday,
)


@pytest.mark.parametrize(
    ("year", "sunday"),
    [(2026, date(2026, 4, 5)), (2027, date(2027, 3, 28)), (2030, date(2030, 4, 21))],
)
def test_easter_is_computed(year, sunday):
    assert easter_sunday(year) == sunday


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("over hari raya haji", "hari_raya_haji"),
        ("hari raya", "hari_raya_aidilfitri"),
        ("during cny", "chinese_new_year"),
        ("wesak day", "vesak"),
        ("after puasa", "ramadan"),
        ("xmas", "christmas"),
        ("new year's eve", "new_year"),
    ],
)
def test_holidays_are_named_in_divers_words(text, key):
    named = holiday_named(text)
    assert named is not None and named.key == key


@pytest.mark.parametrize("text", ["mayday", "raymond", "ndp2", "next tuesday", ""])
def test_other_words_name_no_holiday(text):
    assert holiday_named(text) is None


def test_the_next_occurrence_not_yet_over_is_taken():
    assert next_holiday("christmas", date(2026, 12, 25)) == (date(2026, 12, 24), date(2026, 12, 26))
    assert next_holiday("christmas", date(2026, 12, 27))[0] == date(2027, 12, 24)
    assert next_holiday("hari_raya_aidilfitri", date(2031, 1, 1)) is None


def test_a_long_weekend_reaches_the_weekend_next_to_the_holiday():
    # Thursday to Sunday; a Monday back to the Saturday.
    assert long_weekend(date(2027, 5, 20), date(2027, 5, 20)) == (
        date(2027, 5, 20),
        date(2027, 5, 23),
    )
    assert long_weekend(date(2027, 5, 17), date(2027, 5, 17)) == (
        date(2027, 5, 15),
        date(2027, 5, 17),
    )
    # A Wednesday stays as it is.
    assert long_weekend(date(2027, 3, 10), date(2027, 3, 10)) == (
        date(2027, 3, 10),
        date(2027, 3, 10),
    )
