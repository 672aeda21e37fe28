"""Parsing what divers type into the lead forms."""

from datetime import date

import pytest

from dovvybuddy.leads.fields import (
    is_plausible_name,
    is_skip,
    parse_email,
    parse_group_size,
    parse_level,
    parse_phone,
)
from dovvybuddy.leads.travel_dates import format_date_range, parse_date_range

TODAY = date(2026, 11, 30)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("early May", (date(2027, 5, 1), date(2027, 5, 10))),
        ("mid-June 2027", (date(2027, 6, 11), date(2027, 6, 20))),
        ("late december", (date(2026, 12, 21), date(2026, 12, 31))),
        ("next spring", (date(2027, 3, 1), date(2027, 5, 31))),
        ("winter", (date(2026, 12, 1), date(2027, 2, 28))),
        ("5-9 Aug", (date(2027, 8, 5), date(2027, 8, 9))),
        ("15 June to 20 June", (date(2027, 6, 15), date(2027, 6, 20))),
        ("July", (date(2027, 7, 1), date(2027, 7, 31))),
        ("in two weeks", (date(2026, 12, 14), date(2026, 12, 14))),
        ("first week of May", (date(2027, 5, 1), date(2027, 5, 7))),
        ("the last two weeks of August", (date(2027, 8, 18), date(2027, 8, 31))),
        ("second half of June", (date(2027, 6, 16), date(2027, 6, 30))),
        ("next April", (date(2027, 4, 1), date(2027, 4, 30))),
    ],
)
def test_natural_dates_become_future_ranges(text, expected):
    assert parse_date_range(text, TODAY) == expected


@pytest.mark.parametrize(
    "text", ["whenever", "sometime", "9-5 Aug", "", "no", "Nope.", "na", "no?", "n/a", "No :("]
)
def test_vague_or_backwards_dates_are_refused(text):
    assert parse_date_range(text, TODAY) is None


def test_ranges_are_stored_as_iso():
    assert format_date_range(date(2027, 5, 1), date(2027, 5, 10)) == "2027-05-01/2027-05-10"
    assert format_date_range(date(2027, 5, 1), date(2027, 5, 1)) == "2027-05-01"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("sure, it's John.Doe@Example.com", "John.Doe@example.com"),
        ("john@", None),
        ("a@b", None),
        ("no email", None),
    ],
)
def test_emails_are_checked_and_normalised(text, expected):
    assert parse_email(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("012-345 6789", "+60123456789"),
        ("+44 20 7946 0958", "+442079460958"),
        ("123", None),
        # Possible with its country code, though not allocated: kept.
        ("+44 7700 900123", "+447700900123"),
        ("+60 12", None),
    ],
)
def test_phone_numbers_are_normalised_to_e164(text, expected):
    assert parse_phone(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [("4 of us", 4), ("just me", 1), ("three friends", 3), ("40", None), ("0", None)],
)
def test_group_size_is_between_1_and_30(text, expected):
    assert parse_group_size(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("AOW", "advanced_open_water"),
        ("padi open water", "open_water"),
        ("DM", "divemaster"),
        ("never dived", "discover_scuba"),
        ("none yet", "discover_scuba"),
        ("nope", "discover_scuba"),
        ("not certified", "discover_scuba"),
        ("try dive", "discover_scuba"),
        ("advanced open water", "advanced_open_water"),
        ("CMAS 2 star", "advanced_open_water"),
        ("BSAC ocean diver", "open_water"),
        ("ssi dive guide", "divemaster"),
        ("blah", None),
    ],
)
def test_levels_are_understood(text, expected):
    assert parse_level(text) == expected


def test_skip_words_and_names():
    assert is_skip("Skip") and is_skip("no thanks") and not is_skip("Ana")
    assert is_plausible_name("Siti Nurhaliza") and not is_plausible_name("what courses?")
