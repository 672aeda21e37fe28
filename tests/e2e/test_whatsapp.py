"""The WhatsApp channel end to end: the real stack against a fake Graph API on loopback.

The session's Rasa server has the channel on (tests/e2e/conftest.py): webhooks
are POSTed to it signed as Meta signs them, and what it sends arrives at the
fake Graph API.
"""

from __future__ import annotations

import itertools
import json
import time
from typing import Any

import psycopg
import pytest

from connectors.whatsapp_messages import sign
from dovvybuddy.ops.launcher import LaunchedStack
from tests.e2e.conftest import WHATSAPP_APP_SECRET, WHATSAPP_VERIFY_TOKEN
from tests.fakes.whatsapp_api import (
    FakeWhatsAppApi,
    SentMessage,
    button_reply,
    image_message,
    list_reply,
    status,
    text_message,
    webhook,
)

pytestmark = pytest.mark.e2e

SIGNATURE_HEADER = "X-Hub-Signature-256"
TIOMAN_PARTNER = "Tioman Demo Dive Centre (demo)"
_numbers = itertools.count(60_199_870_001)
# Every number a test wrote from: none may reach a log file.
USED_NUMBERS: list[str] = []


@pytest.fixture
def number() -> str:
    """A WhatsApp number of its own for each test."""
    value = str(next(_numbers))
    USED_NUMBERS.append(value)
    return value


def post_webhook(
    stack: LaunchedStack, payload: Any, secret: str | None = WHATSAPP_APP_SECRET
) -> Any:
    """Deliver `payload` to the webhook as Meta would, signed with `secret`."""
    body = json.dumps(payload).encode()
    headers = {"Content-Type": "application/json"}
    if secret is not None:
        headers[SIGNATURE_HEADER] = sign(body, secret)
    return stack.session.post(
        f"{stack.rasa_url}/webhooks/whatsapp/webhook", data=body, headers=headers, timeout=10
    )


def stored_user_texts(
    stack: LaunchedStack, number: str, count: int | None = None, timeout: float = 60.0
) -> list[str]:
    """What Rasa stored the number as saying, once there are `count` texts (or after `timeout`).

    Replies go out during a turn; Rasa stores the conversation at its end.
    """
    deadline = time.monotonic() + timeout
    while True:
        tracker = stack.api(f"/conversations/wa:{number}/tracker").json()
        texts = [event["text"] for event in tracker["events"] if event["event"] == "user"]
        if count is None or len(texts) >= count or time.monotonic() > deadline:
            return texts
        time.sleep(0.1)


def say(
    stack: LaunchedStack, api: FakeWhatsAppApi, number: str, message: dict[str, Any]
) -> list[SentMessage]:
    """Send one message; return what the bot sent in answer, once its turn is over."""
    before = len(api.sent_to(number))
    turns = len(stored_user_texts(stack, number))
    reply = post_webhook(stack, webhook(messages=[message]))
    assert reply.status_code == 200, reply.text
    assert reply.json() == {"status": "accepted", "messages": 1}
    assert len(stored_user_texts(stack, number, turns + 1)) == turns + 1
    return api.sent_to(number)[before:]


def texts(messages: list[SentMessage]) -> list[str]:
    return [message.text for message in messages]


# --- the webhook ---------------------------------------------------------------------


def test_the_verification_handshake_echoes_the_challenge(stack):
    url = f"{stack.rasa_url}/webhooks/whatsapp/webhook"
    params = {
        "hub.mode": "subscribe",
        "hub.verify_token": WHATSAPP_VERIFY_TOKEN,
        "hub.challenge": "1158201444",
    }
    reply = stack.session.get(url, params=params, timeout=10)
    assert reply.status_code == 200
    assert reply.text == "1158201444"
    assert reply.headers["Content-Type"].startswith("text/plain")

    refused = stack.session.get(url, params={**params, "hub.verify_token": "guess"}, timeout=10)
    assert refused.status_code == 403
    assert "1158201444" not in refused.text


def test_the_health_check_reports_the_channel_configured(stack):
    reply = stack.session.get(f"{stack.rasa_url}/webhooks/whatsapp/", timeout=10)
    assert reply.json() == {"status": "ok", "configured": True}


@pytest.mark.parametrize("secret", [None, "wrong-app-secret"])
def test_a_badly_signed_post_is_refused_and_starts_no_turn(stack, whatsapp_api, number, secret):
    reply = post_webhook(stack, webhook(messages=[text_message(number, "hello")]), secret)
    assert reply.status_code == 403
    assert reply.json()["error"] == "forbidden"
    # A correctly signed message afterwards is the first turn of the number.
    assert texts(say(stack, whatsapp_api, number, text_message(number, "thanks a lot")))
    assert stored_user_texts(stack, number) == ["thanks a lot"]


def test_a_signed_body_that_is_not_json_is_a_400(stack):
    body = b"{not json"
    reply = stack.session.post(
        f"{stack.rasa_url}/webhooks/whatsapp/webhook",
        data=body,
        headers={SIGNATURE_HEADER: sign(body, WHATSAPP_APP_SECRET)},
        timeout=10,
    )
    assert reply.status_code == 400
    assert reply.json()["error"] == "invalid_json"


def test_status_callbacks_are_acknowledged_without_a_turn(stack, whatsapp_api, number):
    statuses = [status(number, "wamid.sent1", value) for value in ("sent", "delivered", "read")]
    statuses.append(status(number, "wamid.sent2", "failed"))
    reply = post_webhook(stack, webhook(statuses=statuses))
    assert reply.status_code == 200
    assert reply.json() == {"status": "ignored", "messages": 0}
    time.sleep(1)
    assert stored_user_texts(stack, number) == []
    assert whatsapp_api.sent_to(number) == []


# --- conversations ---------------------------------------------------------------------


def test_a_covered_site_question_is_answered_as_on_the_web_channel(stack, whatsapp_api, number):
    question = "Which dive sites in Redang are the best?"
    on_whatsapp = texts(say(stack, whatsapp_api, number, text_message(number, question)))
    on_the_web = stack.say(f"e2e-whatsapp-web-twin-{number}", question)
    assert on_whatsapp == on_the_web
    assert on_whatsapp[0].startswith("Here are the dive sites I cover in Redang, by level:")
    assert all(message.to == number for message in whatsapp_api.sent_to(number))


def test_the_answer_to_a_course_question_is_grounded(stack, whatsapp_api, number):
    (answer, *_) = texts(
        say(stack, whatsapp_api, number, text_message(number, "What is the Open Water course?"))
    )
    assert "Open Water" in answer and "Source:" in answer


def test_an_image_gets_the_polite_text_only_reply(stack, whatsapp_api, number):
    reply = post_webhook(stack, webhook(messages=[image_message(number)]))
    assert reply.status_code == 200
    (answer,) = whatsapp_api.wait_for(number)
    assert answer.text.startswith("I can only read text messages for now")
    assert stored_user_texts(stack, number) == []


def test_a_redelivered_message_id_starts_no_second_turn(stack, whatsapp_api, number):
    message = text_message(number, "hello")
    first = say(stack, whatsapp_api, number, message)
    assert first and "DovvyBuddy" in first[0].text

    again = post_webhook(stack, webhook(messages=[message]))
    assert again.status_code == 200
    assert again.json() == {"status": "ignored", "messages": 0}
    say(stack, whatsapp_api, number, text_message(number, "thanks a lot"))
    assert stored_user_texts(stack, number) == ["hello", "thanks a lot"]
    assert sum("DovvyBuddy" in text for text in whatsapp_api.texts_to(number)) == 1


def test_several_messages_in_one_post_are_each_answered_in_order(stack, whatsapp_api, number):
    payload = webhook(messages=[text_message(number, "hello"), text_message(number, "thanks")])
    reply = post_webhook(stack, payload)
    assert reply.json() == {"status": "accepted", "messages": 2}
    assert stored_user_texts(stack, number, 2) == ["hello", "thanks"]


def test_a_graph_api_429_is_retried_after_retry_after(stack, whatsapp_api, number):
    whatsapp_api.fail_next(429, retry_after="1")
    (answer, *_) = say(stack, whatsapp_api, number, text_message(number, "hello"))
    assert "DovvyBuddy" in answer.text
    refused = [payload for code, payload in whatsapp_api.requests if code == 429]
    assert refused and refused[-1]["to"] == number


def test_a_message_older_than_24_hours_is_recorded_but_not_answered(stack, whatsapp_api, number):
    old = int(time.time()) - 25 * 3600
    say(stack, whatsapp_api, number, text_message(number, "hello", timestamp=old))
    assert whatsapp_api.sent_to(number) == []
    assert stored_user_texts(stack, number) == ["hello"]


def test_the_http_api_sends_nothing_to_a_number_outside_its_window(stack, whatsapp_api, number):
    triggered = stack.session.post(
        f"{stack.rasa_url}/conversations/wa:{number}/trigger_intent",
        params={"token": stack.token, "output_channel": "whatsapp"},
        json={"name": "thanks"},
        timeout=30,
    )
    assert triggered.status_code == 200, triggered.text
    assert whatsapp_api.sent_to(number) == []


def test_the_http_api_sends_within_the_window(stack, whatsapp_api, number):
    say(stack, whatsapp_api, number, text_message(number, "hello"))
    before = len(whatsapp_api.sent_to(number))
    triggered = stack.session.post(
        f"{stack.rasa_url}/conversations/wa:{number}/trigger_intent",
        params={"token": stack.token, "output_channel": "whatsapp"},
        json={"name": "thanks"},
        timeout=30,
    )
    assert triggered.status_code == 200, triggered.text
    (sent,) = whatsapp_api.wait_for(number, before + 1)[before:]
    assert "welcome" in sent.text


@pytest.mark.parametrize("sender", ["wa:60199870001", " WA:60199870001", "\uff57\uff41:6019"])
def test_the_web_channel_refuses_a_whatsapp_sender(stack, sender):
    reply = stack.post({"sender": sender, "message": "hi"})
    assert reply.status_code == 400
    assert reply.json()["error"] == "invalid_sender"


def test_a_number_flooding_the_bot_is_told_once_to_slow_down(stack, whatsapp_api, number):
    flood = [text_message(number, f"hello {n}") for n in range(25)]
    reply = post_webhook(stack, webhook(messages=flood))
    assert reply.json() == {"status": "accepted", "messages": 25}
    within_rate = [f"hello {n}" for n in range(20)]
    assert stored_user_texts(stack, number, 20, timeout=120) == within_rate
    time.sleep(1)
    assert stored_user_texts(stack, number) == within_rate
    slow_down = [t for t in whatsapp_api.texts_to(number) if "sending messages quickly" in t]
    assert len(slow_down) == 1


# --- forms -----------------------------------------------------------------------------


def tap(stack, api, number: str, question: SentMessage, title: str) -> list[SentMessage]:
    """Tap the button (or list row) titled `title` under `question`."""
    assert question.kind in ("button", "list"), question.payload
    [button_id] = [choice for choice, shown in question.choices if shown == title]
    if question.kind == "button":
        return say(stack, api, number, button_reply(number, button_id, title))
    return say(stack, api, number, list_reply(number, button_id, title))


def test_an_emergency_mid_form_gets_guidance_then_a_carry_on_button(stack, whatsapp_api, number):
    say(stack, whatsapp_api, number, text_message(number, "I want to learn to dive"))
    say(stack, whatsapp_api, number, text_message(number, "Eve"))
    replies = say(
        stack,
        whatsapp_api,
        number,
        text_message(number, "help my buddy just surfaced too fast and is confused"),
    )
    assert replies[0].text.startswith("This sounds like a diving emergency")
    carry_on = replies[-1]
    assert "carry on" in carry_on.text
    assert carry_on.kind == "button"
    assert [title for _, title in carry_on.choices] == ["Yes, carry on", "No"]
    assert "email" in tap(stack, whatsapp_api, number, carry_on, "Yes, carry on")[-1].text


def test_a_training_lead_with_button_taps_is_stored_and_delivered(
    stack, whatsapp_api, number, smtp_server
):
    email = f"nur.aina.{number[-4:]}@example.com"

    def answer(text: str) -> list[SentMessage]:
        return say(stack, whatsapp_api, number, text_message(number, text))

    assert "What's your name?" in answer("I want to learn to dive in Tioman")[-1].text
    answer("Nur Aina")
    answer(email)
    assert "certification" in answer("skip")[-1].text
    # Typed answers may also arrive as list picks: a row's id is read as text.
    course = say(stack, whatsapp_api, number, list_reply(number, "none yet", "None yet"))
    assert "Which course" in course[-1].text
    when = say(stack, whatsapp_api, number, list_reply(number, "open water", "Open Water"))
    assert "When would you like to go?" in when[-1].text
    # Two Tioman centres teach Open Water: each is a reply button, with "Any of them".
    centre = answer("early May")[-1]
    assert "Which dive centre" in centre.text
    assert centre.kind == "button" and len(centre.choices) == 3
    assert [title for _, title in centre.choices][-1] == "Any of them"
    assert "Anything else" in tap(stack, whatsapp_api, number, centre, "Any of them")[-1].text
    consent = answer("skip")[-1]
    assert TIOMAN_PARTNER in consent.text
    assert [title for _, title in consent.choices] == ["Yes, share them", "No"]

    summary = tap(stack, whatsapp_api, number, consent, "Yes, share them")[-1]
    assert email in summary.text and "Tioman" in summary.text
    # Send, cancel and an "Edit <field>" choice per field: more than WhatsApp's
    # three reply buttons, so the summary comes as a list.
    assert summary.kind == "list"
    assert "Yes, send it" in [title for _, title in summary.choices]
    done = tap(stack, whatsapp_api, number, summary, "Yes, send it")[-1]
    assert done.text.startswith(f"Done! I've sent your enquiry to {TIOMAN_PARTNER}")

    with psycopg.connect(stack.info["database_url"]) as conn:
        rows = conn.execute(
            "SELECT lead_type, name, partner_id, details FROM leads WHERE email = %s", (email,)
        ).fetchall()
    [(lead_type, name, partner_id, details)] = rows
    assert (lead_type, name, partner_id) == ("training", "Nur Aina", "tioman-demo-divers")
    assert details["course_of_interest"] == "open_water"
    body = smtp_server.message_containing(email, timeout=60).get_payload(decode=True).decode()
    assert "Nur Aina" in body and email in body


# --- privacy (last: after every other test of this module has written logs) ------------


def test_no_whatsapp_number_appears_in_any_log_file(stack):
    assert USED_NUMBERS
    logs = sorted((stack.var_dir / "logs").glob("*.log"))
    assert {path.name for path in logs} >= {"rasa.log", "actions.log"}
    for path in logs:
        text = path.read_text(errors="replace")
        for used in USED_NUMBERS:
            assert used not in text, path.name
    rasa_log = (stack.var_dir / "logs" / "rasa.log").read_text(errors="replace")
    assert "WhatsApp" in rasa_log  # the channel did log, by conversation hash
