"""Asking for a person end to end: REST conversation -> `question` lead -> email to the centre."""

import psycopg
import pytest

from dovvybuddy.leads.partners import DEFAULT_PARTNER_ID

pytestmark = pytest.mark.e2e


def question_lead(stack, email):
    with psycopg.connect(stack.info["database_url"]) as conn:
        return conn.execute(
            "SELECT lead_type, name, details, partner_id FROM leads WHERE email = %s", (email,)
        ).fetchall()


def test_a_handoff_from_the_middle_of_a_trip_enquiry_sends_the_open_question(
    stack, sender, smtp_server
):
    email = "farah.aziz@example.com"
    question = "do I need to bring my own mask and fins?"
    stack.say(sender, question)
    assert "What's your name" in stack.say(sender, "plan a dive trip to Redang")[-1]
    assert "email" in stack.say(sender, "Farah Aziz")[-1]
    assert "phone" in stack.say(sender, email)[-1]

    # The enquiry is set aside; the question asked before it goes to a person,
    # and the name and email already given are not asked again.
    replies = stack.say(sender, "actually can I just talk to a real person about it")
    said = "\n".join(replies)
    assert question in said
    assert "What's your name" not in said and "email address" not in said
    # Several Redang centres: the diver may choose one.
    assert "Which dive centre" in replies[-1]
    assert "May I share" in stack.say(sender, "any of them")[-1]
    summary = stack.say(sender, "yes")[-1]
    assert summary.startswith("Here's what I'll send")
    assert f"Your question: {question}" in summary
    assert "Name: Farah Aziz" in summary
    assert "Done!" in stack.say(sender, "yes")[-1]

    [(lead_type, name, details, partner_id)] = question_lead(stack, email)
    assert (lead_type, name) == ("question", "Farah Aziz")
    assert details["handoff_question"] == question
    assert partner_id.startswith("redang")
    mail = smtp_server.message_containing("New question lead: Farah Aziz", timeout=60)
    assert question in mail.get_payload(decode=True).decode()


def test_a_fresh_request_for_a_person_asks_for_the_question_and_goes_to_operations(
    stack, sender, smtp_server
):
    email = "tomasz.nowak@example.com"
    first = stack.say(sender, "hi, is there a human I can speak to?")[-1]
    assert "What would you like to ask" in first
    assert "name" in stack.say(sender, "which centre has rental BCDs for small divers")[-1]
    stack.say(sender, "Tomasz Nowak")
    assert "May I share" in stack.say(sender, email)[-1]
    summary = stack.say(sender, "yes")[-1]
    assert "Your question: which centre has rental BCDs for small divers" in summary
    stack.say(sender, "yes")
    [(lead_type, _, details, partner_id)] = question_lead(stack, email)
    assert lead_type == "question"
    assert details["handoff_question"] == "which centre has rental BCDs for small divers"
    assert partner_id == DEFAULT_PARTNER_ID  # no destination: the operations inbox
