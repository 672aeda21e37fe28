"""Lead capture end to end: REST conversation -> Postgres -> email to the partner."""

import psycopg
import pytest

pytestmark = pytest.mark.e2e

TIOMAN_PARTNER = "Tioman Demo Dive Centre (demo)"


def leads_for(stack, email):
    with psycopg.connect(stack.info["database_url"]) as conn:
        return conn.execute(
            "SELECT lead_type, name, phone, details, partner_id FROM leads WHERE email = %s",
            (email,),
        ).fetchall()


def converse(stack, sender, *turns):
    """Send each message; return the replies of the last one."""
    replies = []
    for text in turns:
        replies = stack.say(sender, text)
    return replies


def test_learning_to_dive_in_tioman_becomes_a_lead_and_an_email(stack, sender, smtp_server):
    assert "What's your name?" in stack.say(sender, "I want to learn to dive in Tioman")[-1]
    converse(stack, sender, "Ana Lim", "ana.lim@example.com", "skip")
    assert "Which course" in stack.say(sender, "none yet")[-1]
    assert "When would you like to go?" in stack.say(sender, "open water")[-1]  # not destination
    # Two Tioman centres teach Open Water: the diver may choose, or leave it to us.
    assert "Which dive centre" in stack.say(sender, "early May")[-1]
    assert "Anything else" in stack.say(sender, "any of them")[-1]
    consent = stack.say(sender, "skip")[-1]
    assert TIOMAN_PARTNER in consent
    summary = stack.say(sender, "yes")[-1]
    assert "ana.lim@example.com" in summary and "Tioman" in summary
    done = stack.say(sender, "yes")[-1]
    assert done.startswith(f"Done! I've sent your enquiry to {TIOMAN_PARTNER}")

    [(lead_type, name, phone, details, partner_id)] = leads_for(stack, "ana.lim@example.com")
    assert (lead_type, name, phone, partner_id) == (
        "training",
        "Ana Lim",
        None,
        "tioman-demo-divers",
    )
    assert details["course_of_interest"] == "open_water"
    assert details["preferred_dates"].endswith("-05-10")

    partner_mail = smtp_server.message_containing("New training lead: Ana Lim")
    body = partner_mail.get_payload(decode=True).decode()
    assert "Ana Lim" in body and "ana.lim@example.com" in body
    # The diver's own copy names the centre and says how to withdraw.
    # The session's SMTP server holds every test's mail: find Ana's own copy.
    # (A line of its own: the partner's mail has "Reply-To: Ana Lim <...>".)
    copy = smtp_server.message_containing("\nTo: Ana Lim <ana.lim@example.com>")
    assert copy["Subject"] == f"Your enquiry to {TIOMAN_PARTNER} (copy)"
    copy_body = copy.get_payload(decode=True).decode()
    assert TIOMAN_PARTNER in copy_body and "To withdraw this enquiry" in copy_body


def test_answers_that_read_as_no_go_to_the_field_not_to_carry_on(stack, sender):
    # "nope" and "no" read as `deny`; where they can be answers, the slot's
    # validator judges them instead of the form asking "carry on?".
    converse(stack, sender, "I want to learn to dive in Tioman", "Dina Ong", "dina@example.com")
    assert "certification" in stack.say(sender, "skip")[-1]
    assert "Which course" in stack.say(sender, "nope")[-1]  # no certification yet
    assert "When would you like to go?" in stack.say(sender, "open water")[-1]
    refused = " ".join(stack.say(sender, "no"))
    assert "carry on" not in refused and "date" in refused.lower()
    assert "Which dive centre" in stack.say(sender, "next week")[-1]


def test_punctuation_alone_is_not_consent(stack, sender):
    converse(stack, sender, "I want to learn to dive in Tioman", "Eve Tan", "eve.tan@example.com")
    consent = converse(
        stack, sender, "skip", "none yet", "open water", "early May", "any of them", "skip"
    )[-1]
    assert TIOMAN_PARTNER in consent
    replies = " ".join(stack.say(sender, "?"))
    assert "Here's what I'll send" not in replies and "eve.tan@example.com" not in replies
    assert not leads_for(stack, "eve.tan@example.com")


def test_an_invalid_email_is_asked_again(stack, sender):
    converse(stack, sender, "I want to book an open water course", "Ben")
    assert "doesn't look like a complete email" in " ".join(stack.say(sender, "ben at gmail"))
    assert "phone number" in stack.say(sender, "ben@example.com")[-1]


def test_a_question_mid_form_is_answered_and_the_form_goes_on(stack, sender):
    converse(stack, sender, "I want to learn to dive", "Chen")
    replies = stack.say(sender, "how long does the open water course take?")
    assert any("Source:" in reply for reply in replies)
    assert "email" in replies[-1]


def test_cancelling_mid_form_stores_nothing(stack, sender):
    converse(stack, sender, "I want to learn to dive in Redang", "Dina", "dina@example.com")
    assert "cancelled" in stack.say(sender, "never mind")[-1]
    assert leads_for(stack, "dina@example.com") == []


def test_an_emergency_mid_form_gets_guidance_then_asks_to_carry_on(stack, sender):
    converse(stack, sender, "I want to learn to dive", "Eve")
    replies = stack.say(sender, "help my buddy just surfaced too fast and is confused")
    assert replies[0].startswith("This sounds like a diving emergency")
    assert "carry on" in replies[-1]
    assert "email" in stack.say(sender, "yes")[-1]


def test_editing_a_field_at_confirmation(stack, sender):
    converse(
        stack,
        sender,
        "plan a dive trip to Redang",
        "Farid",
        "farid@example.com",
        "skip",
        "5-9 Aug",
        "4",
        "advanced",
        "30",
        "skip",  # the trip details
        "turtles",
        "any of them",
        "skip",
    )
    stack.say(sender, "yes")  # consent
    assert "email" in stack.say(sender, "change email")[-1]
    summary = stack.say(sender, "farid.new@example.com")[-1]
    assert "farid.new@example.com" in summary
    assert "Done!" in stack.say(sender, "yes")[-1]
    assert leads_for(stack, "farid.new@example.com")[0][0] == "trip"


def test_an_uncovered_destination_is_refused_in_the_trip_form(stack, sender):
    replies = converse(
        stack, sender, "I want to book a dive trip", "Gita", "gita@example.com", "skip"
    )
    assert "Where would you like to dive" in replies[-1]
    assert "don't cover Bali" in " ".join(stack.say(sender, "Bali"))


def test_profile_answers_are_not_asked_again(stack, sender):
    stack.say(sender, "I'm AOW with about 40 dives")
    replies = converse(
        stack,
        sender,
        "plan a dive trip to Sipadan",
        "Hana",
        "hana@example.com",
        "skip",
        "July",
        "2",
    )
    assert "A few optional details" in replies[-1]
