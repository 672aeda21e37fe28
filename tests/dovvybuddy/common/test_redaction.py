"""Redaction: emails, phone numbers and the names divers gave never reach an operator."""

from __future__ import annotations

import pytest

from dovvybuddy.common.redaction import Redactor, name_parts


@pytest.mark.parametrize(
    ("text", "redacted"),
    [
        ("write to jane.doe+dive@example.co.uk please", "write to [email] please"),
        ("my email: JANE@EXAMPLE.COM.", "my email: [email]."),
        ("jane @ example.com", "[email]"),
        ("jane at example dot com", "[email]"),
        ("call +60 12-345 6789 now", "call [phone] now"),
        ("(012) 345 6789", "[phone]"),
        ("whatsapp 0123456789", "whatsapp [phone]"),
        ("+44 20 7946 0958 or +60123456789", "[phone] or [phone]"),
    ],
)
def test_emails_and_phone_numbers_become_placeholders(text, redacted):
    assert Redactor().redact(text) == redacted


@pytest.mark.parametrize(
    "text",
    [
        "what is my no deco limit at 30m for 40 minutes?",
        "5-9 Aug or early May",
        "PADI Open Water, 12 dives, group of 4",
        "is 18 m deep for a beginner at Tioman?",
        "price is 1,200 ringgit",
    ],
)
def test_diving_talk_is_left_alone(text):
    assert Redactor(["Jane Doe"]).redact(text) == text


@pytest.mark.parametrize(
    ("text", "redacted"),
    [
        ("this is Jane Doe from KL", "this is [name] from KL"),
        ("JANE here, doe is my surname", "[name] here, [name] is my surname"),
        ("Jane's buddy", "[name]'s buddy"),
        ("Janet and Doerte", "Janet and Doerte"),
        ("Siti Nur Aminah and siti", "[name] and [name]"),
    ],
)
def test_given_names_and_each_of_their_words_become_placeholders(text, redacted):
    assert Redactor(["Jane Doe", "Siti Nur Aminah"]).redact(text) == redacted


def test_a_placeholder_is_never_redacted_again():
    # "Email" is a name here: the [email] placeholder must stay as it is.
    assert Redactor(["Email Phone"]).redact("me@example.com") == "[email]"


def test_name_parts_are_the_whole_name_and_its_words_of_two_letters_or_more():
    assert name_parts("  Ng  Wei Ling ") == {"Ng Wei Ling", "Ng", "Wei", "Ling"}
    assert name_parts("J. O'Brien") == {"J. O'Brien", "O'Brien"}
