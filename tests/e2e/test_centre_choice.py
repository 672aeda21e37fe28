"""Choosing a dive centre and giving trip details, end to end: REST, partner email, CSV."""

import csv
import json

import psycopg
import pytest
from psycopg.rows import dict_row

from dovvybuddy.leads.cli import export_leads

pytestmark = pytest.mark.e2e

# What the diver answers to each question, found by words of the question.
COMMON_ANSWERS = {
    "What's your name": None,  # each test gives its own
    "email address should": None,
    "phone number": "skip",
    "When would you like to go": "early August",
    "How many people": "2",
    "certification": "Advanced Open Water",
    "how many dives have you logged": "45",
    "especially love to see": "skip",
    "Anything else the dive centre should know": "skip",
    "May I share": "yes",
}


def fill_form(stack, sender, opening, answers):
    """Answer each question the form asks until the summary; return the summary's text."""
    replies = stack.say(sender, opening)
    for _ in range(25):
        question = replies[-1]
        if question.startswith("Here's what I'll send"):
            return question
        reply = next((a for words, a in answers.items() if words in question), None)
        assert reply is not None, f"unexpected question: {question!r}"
        replies = stack.say(sender, reply)
    raise AssertionError("the form never reached its summary")


def lead_row(stack, email):
    with psycopg.connect(stack.info["database_url"]) as conn:
        [row] = conn.execute(
            "SELECT partner_id, details FROM leads WHERE email = %s", (email,)
        ).fetchall()
    return row


def exported_row(stack, email, tmp_path):
    """The lead's row in the operator's CSV export (`make leads ARGS="export ..."`)."""
    out = tmp_path / "leads.csv"
    with psycopg.connect(stack.info["database_url"], row_factory=dict_row) as conn:
        export_leads(conn, out)
    with out.open(newline="", encoding="utf-8") as handle:
        [row] = [row for row in csv.DictReader(handle) if row["email"] == email]
    return row


def test_a_chosen_centre_gets_the_trip_and_every_trip_detail(stack, sender, smtp_server, tmp_path):
    email = "mei.ling.tan@example.com"
    answers = {
        **COMMON_ANSWERS,
        "What's your name": "Mei Ling Tan",
        "email address should": email,
        "Where would you like to dive": "Redang",
        "A few optional details": (
            "RM 2,500 per person, 12 dives, need rental gear, no course, a beach chalet"
        ),
        "Which dive centre": "Pasir Panjang Scuba (demo)",
    }
    summary = fill_form(stack, sender, "plan a dive trip to Redang", answers)
    for line in (
        "Budget per person: RM 2,500 per person",
        "Dives wanted: 12",
        "Gear rental needed: yes",
        "Course during the trip: no",
        "Accommodation: a beach chalet",
        "Dive centre: Pasir Panjang Scuba (demo)",
    ):
        assert line in summary
    done = stack.say(sender, "yes")[-1]
    assert done.startswith("Done! I've sent your enquiry to Pasir Panjang Scuba (demo)")

    partner_id, details = lead_row(stack, email)
    assert partner_id == "redang-pasir-demo"
    expected = {
        "budget": "RM 2,500 per person",
        "dives_wanted": "12",
        "gear_rental": "yes",
        "trip_course": "no",
        "accommodation": "a beach chalet",
    }
    assert {key: details[key] for key in expected} == expected

    mail = smtp_server.message_containing("New trip lead: Mei Ling Tan", timeout=60)
    assert mail["To"] == "leads+redang-pasir-demo@example.com"
    body = mail.get_payload(decode=True).decode()
    for line in (
        "Budget: RM 2,500 per person",
        "Dives wanted: 12",
        "Gear rental: yes",
        "Trip course: no",
        "Accommodation: a beach chalet",
    ):
        assert line in body

    exported = exported_row(stack, email, tmp_path)
    assert exported["partner_id"] == "redang-pasir-demo"
    assert {key: json.loads(exported["details"])[key] for key in expected} == expected


def test_any_of_them_routes_by_the_default_rule(stack, sender, smtp_server):
    email = "kofi.mensah@example.com"
    answers = {
        **COMMON_ANSWERS,
        "What's your name": "Kofi Mensah",
        "email address should": email,
        "Which course": "Open Water",
        "Where would you like to dive": "Tioman",
        "Which dive centre": "any of them",
    }
    summary = fill_form(stack, sender, "I want to learn to dive in Tioman", answers)
    assert "Dive centre: any of them (Tioman Demo Dive Centre (demo) will get it)" in summary
    stack.say(sender, "yes")

    partner_id, details = lead_row(stack, email)
    assert (partner_id, details["dive_centre"]) == ("tioman-demo-divers", "any")
    mail = smtp_server.message_containing("New training lead: Kofi Mensah", timeout=60)
    assert mail["To"] == "leads+tioman@example.com"


def test_the_centre_question_offers_only_centres_that_fit_as_buttons(stack, sender):
    answers = {
        **COMMON_ANSWERS,
        "What's your name": "Lena Vogel",
        "email address should": "lena.vogel@example.com",
        "Which course": "Divemaster",
        "Where would you like to dive": "Tioman",
    }
    asked = []
    replies = stack.say(sender, "I want to learn to dive in Tioman")
    while "May I share" not in replies[-1] and len(asked) < 15:
        asked.append(replies[-1])
        reply = next(a for words, a in answers.items() if words in replies[-1])
        replies = stack.say(sender, reply)
    # Only one Tioman centre teaches Divemaster: there is nothing to choose,
    # and the consent names the one that does.
    assert not any("Which dive centre" in question for question in asked)
    assert "Tioman Reef Divers (demo)" in replies[-1]
