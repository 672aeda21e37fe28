"""Redaction: emails, phone numbers and the names divers gave never reach an operator."""

from __future__ import annotations

from datetime import date

import psycopg
import pytest
from psycopg.rows import dict_row

from dovvybuddy.database import apply_migrations
from dovvybuddy.redaction import Redactor, name_parts, names_given_in_forms, redactor_for
from tests.dovvybuddy.lead_rows import insert_lead
from tests.dovvybuddy.tracker_rows import Conversation, at, store


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


def test_names_come_from_stored_leads_and_the_forms_name_answers(tracker_store):
    insert_lead(tracker_store, name="Jane Doe")
    form = (
        Conversation("web-name", "rest", at(date(2026, 3, 2), 9))
        .start_form("training_form", "I want a course", "request_training_lead")
        # Not a name: the form asks again, and it is not redacted as one.
        .answer("training_form", "lead_name", "why do you need my name?", None, "lead_name")
        .answer("training_form", "lead_name", "siti aminah", "Siti Aminah", "lead_email")
    )
    store(tracker_store, form)

    with psycopg.connect(tracker_store, row_factory=dict_row) as connection:
        names = names_given_in_forms(connection)
        redactor = redactor_for(connection)

    assert names == {"Jane Doe", "siti aminah", "Siti Aminah"}
    assert redactor.redact("Siti asked Jane") == "[name] asked [name]"


def test_names_are_found_before_rasa_created_its_tracker_store(database_url):
    apply_migrations(database_url)
    insert_lead(database_url, name="Jane Doe")

    with psycopg.connect(database_url) as connection:
        assert names_given_in_forms(connection) == {"Jane Doe"}
