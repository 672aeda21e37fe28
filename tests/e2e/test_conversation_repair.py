"""Conversation repair end to end: REST conversation -> Postgres -> email to the partner.

The stored and delivered lead carries the corrected values, never the replaced ones.
"""

import psycopg
import pytest

pytestmark = pytest.mark.e2e


def lead_for(stack, email):
    with psycopg.connect(stack.info["database_url"]) as conn:
        return conn.execute(
            "SELECT lead_type, name, email, phone, details FROM leads WHERE email = %s", (email,)
        ).fetchall()


def replies(stack, sender, text):
    """The full reply messages (text and buttons) to one message."""
    response = stack.post({"sender": sender, "message": text})
    response.raise_for_status()
    return response.json()


def texts(messages):
    return "\n".join(m.get("text", "") for m in messages)


def converse(stack, sender, *turns):
    said = []
    for text in turns:
        said = stack.say(sender, text)
    return said


def test_corrections_mid_form_and_at_the_summary_reach_the_lead_and_the_email(
    stack, sender, smtp_server
):
    converse(stack, sender, "plan a dive trip to Redang", "Farah Idris", "farah.old@example.com")
    assert "When would you like to go?" in stack.say(sender, "skip")[-1]
    fixed = stack.say(sender, "sorry, my email is actually farah.idris@example.net")
    assert "Updated your email to farah.idris@example.net." in fixed[0]
    assert "When would you like to go?" in fixed[-1]  # the same question again
    converse(stack, sender, "5-9 Aug", "4", "advanced", "30", "skip", "turtles", "any", "skip")
    summary = stack.say(sender, "yes")[-1]  # consent
    assert "farah.idris@example.net" in summary and "farah.old" not in summary

    fewer = texts(replies(stack, sender, "actually it's 3 of us, not 4"))
    assert "Updated your group size to 3 people." in fewer
    assert "- Group size: 3" in fewer and "Here's what I'll send" in fewer
    renamed = replies(stack, sender, "change my name to Farah Binti Idris")
    assert "Updated your name to Farah Binti Idris." in texts(renamed)
    assert {"title": "Edit dates", "payload": "edit dates"} in renamed[-1]["buttons"]

    # The Edit button edits one field, shows its value, and returns to the summary.
    edit = stack.say(sender, "edit dates")[-1]
    assert "currently" in edit and "When would you like to go?" in edit
    again = stack.say(sender, "12-16 Sept")[-1]
    assert "Here's what I'll send" in again and "- Dates: 12-16 Sep" in again
    assert "Done!" in stack.say(sender, "yes")[-1]

    [(lead_type, name, email, phone, details)] = lead_for(stack, "farah.idris@example.net")
    assert (lead_type, name, email, phone) == (
        "trip",
        "Farah Binti Idris",
        "farah.idris@example.net",
        None,
    )
    assert details["group_size"] == 3
    assert "-09-12/" in details["preferred_dates"]
    assert lead_for(stack, "farah.old@example.com") == []

    mail = smtp_server.message_containing("New trip lead: Farah Binti Idris")
    body = mail.get_payload(decode=True).decode()
    assert "farah.idris@example.net" in body
    assert "farah.old@example.com" not in str(mail) and "-08-05" not in body


def test_a_field_given_early_a_failed_correction_and_go_back(stack, sender, smtp_server):
    converse(stack, sender, "I want to learn to dive in Tioman", "Hui Min", "huimin@example.com")
    early = stack.say(sender, "oh and actually we'll go in early June")
    assert "Updated your dates to" in early[0] and "phone" in early[-1]
    converse(stack, sender, "skip", "none yet")
    back = stack.say(sender, "go back")[-1]
    assert "currently" in back and "certification level" in back
    assert "Which course" in stack.say(sender, "keep it")[-1]

    refused = stack.say(sender, "change my email to huimin at gmail")
    assert "couldn't change your email" in refused[0] and "kept huimin@example.com" in refused[0]
    assert "Which course" in refused[-1]
    after_course = stack.say(sender, "open water")[-1]
    assert "When would you like to go?" not in after_course  # given early, not asked
    assert "Which dive centre" in after_course
    stack.say(sender, "any of them")
    stack.say(sender, "skip")  # message
    summary = stack.say(sender, "yes")[-1]
    assert "huimin@example.com" in summary and "- Dates: 1-10 Jun" in summary
    assert "Done!" in stack.say(sender, "yes")[-1]

    [(_, name, _, _, details)] = lead_for(stack, "huimin@example.com")
    assert name == "Hui Min" and details["preferred_dates"].endswith("-06-10")
    assert details["course_of_interest"] == "open_water"
    smtp_server.message_containing("New training lead: Hui Min")


def test_a_question_mid_form_is_answered_and_the_form_resumes_in_one_line(stack, sender):
    converse(stack, sender, "can you book me a dive trip", "Omar")
    answered = stack.say(sender, "do I have to bring my own wetsuit or can I rent one?")
    assert len(answered) >= 2
    assert answered[-1] == "Back to your enquiry: What email address should the dive centre use?"
    assert "phone" in stack.say(sender, "omar@example.com")[-1]
