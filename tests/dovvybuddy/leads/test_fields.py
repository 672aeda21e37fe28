"""Parsing what divers type into the lead forms."""

import pytest

from dovvybuddy.leads.fields import (
    email_written,
    is_plausible_name,
    is_skip,
    parse_email,
    parse_group_size,
    parse_level,
    parse_phone,
    phone_written,
)


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
        ("0044 7700 900123", "+447700900123"),
        ("my number is 019-552 8813, thanks", "+60195528813"),
    ],
)
def test_phone_numbers_are_normalised_to_e164(text, expected):
    assert parse_phone(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Malaysian first: the covered destinations are all there.
        ("011-1098 7654", "+601110987654"),
        ("60123456789", "+60123456789"),
        # Singapore: eight digits starting 3, 6, 8 or 9, no trunk 0.
        ("9123 4471", "+6591234471"),
        ("8456 2210", "+6584562210"),
        # The UK: 0 and ten digits, mobile ranges not yet allocated too.
        ("07700 900312", "+447700900312"),
        ("020 7946 0958", "+442079460958"),
        # Australia: 0 and nine digits.
        ("0412 345 678", "+61412345678"),
        ("(02) 9374 4000", "+61293744000"),
        # North America: ten digits, no trunk 0.
        ("(555) 123-4567", "+15551234567"),
        ("1-555-123-4567", "+15551234567"),
        # A country code written without its "+".
        ("6591234471", "+6591234471"),
    ],
)
def test_numbers_without_a_country_code_are_placed_by_their_shape(text, expected):
    assert parse_phone(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "12345678",
        "1234567890",
        "2026 2027",
        "2027-05-01",
        "10-17 July",
        "555 1234",
        "my phone is broken",
        "120 dives",
        "skip",
        "",
    ],
)
def test_what_is_not_a_phone_number_is_refused(text):
    assert parse_phone(text) is None


def test_a_value_is_found_where_it_stands_in_a_message():
    text = "wrong number earlier, it's +65 8456 2201 and email a.b@example.org."
    phone, email = phone_written(text), email_written(text)
    assert phone is not None and text[phone.start : phone.end] == phone.text == "+65 8456 2201"
    assert email is not None and email.text == "a.b@example.org"
    # An address that is not valid is still found, for the form to refuse.
    assert email_written("it's priya.nair@@example.org").text == "priya.nair@@example.org"
    assert phone_written("no number here") is None and email_written("email me") is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("4 of us", 4),
        ("just me", 1),
        ("three friends", 3),
        ("twelve divers", 12),
        ("seventeen of us", 17),
        # The diver counts too.
        ("me and 3 mates", 4),
        ("myself plus two others", 3),
        ("my husband and I", 2),
        ("just me and a buddy", 2),
        ("40", None),
        ("0", None),
        ("lots", None),
    ],
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


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("no wait, 3 people... sorry make it 6", 6),
        ("we are 4, no wait 5", 5),
        ("4 of us, not 3", 4),
        ("4 people, sorry", 4),
    ],
)
def test_a_group_size_corrected_in_the_same_answer_is_the_last_number(text, expected):
    assert parse_group_size(text) == expected
