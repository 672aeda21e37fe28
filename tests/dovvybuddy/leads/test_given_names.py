"""The names redacted from reports: those divers gave in the lead forms."""

from __future__ import annotations

from datetime import date

import psycopg
from psycopg.rows import dict_row

from dovvybuddy.database.migrations import apply_migrations
from dovvybuddy.leads.given_names import names_given_in_forms, redactor_for
from tests.dovvybuddy.lead_rows import insert_lead
from tests.dovvybuddy.tracker_rows import Conversation, at, store


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
