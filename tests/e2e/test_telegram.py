"""The Telegram channel end to end: the real stack against a fake Bot API on loopback.

The session's Rasa server runs in webhook mode (tests/e2e/conftest.py); a
second Rasa server in polling mode is started for the polling tests.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Iterator
from typing import Any

import pytest
import requests
import yaml

from connectors.telegram_messages import GREET_PAYLOAD
from dovvybuddy.common.settings import PROJECT_ROOT
from dovvybuddy.ops.launcher import LaunchedStack, RasaReplica, start_rasa_replica
from tests.e2e.conftest import TELEGRAM_WEBHOOK_SECRET, TELEGRAM_WEBHOOK_URL
from tests.fakes.telegram_api import (
    FakeTelegramApi,
    button_press,
    photo_message,
    text_message,
)

pytestmark = pytest.mark.e2e

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
_chat_ids = itertools.count(910_001)


@pytest.fixture
def chat_id() -> int:
    """A private chat of its own for each test."""
    return next(_chat_ids)


@pytest.fixture
def group_id() -> int:
    """A group chat of its own for each test."""
    return -next(_chat_ids)


def post_update(
    stack: LaunchedStack, update: Any, secret: str | None = TELEGRAM_WEBHOOK_SECRET
) -> requests.Response:
    """Deliver `update` to the webhook as Telegram would."""
    headers = {SECRET_HEADER: secret} if secret is not None else {}
    return stack.session.post(
        f"{stack.rasa_url}/webhooks/telegram/webhook", json=update, headers=headers, timeout=10
    )


def stored_user_texts(
    stack: LaunchedStack, chat: int, expected: list[str], timeout: float = 10.0
) -> list[str]:
    """What Rasa stored the chat's people as saying, once it is `expected` (or after `timeout`).

    Replies go out during a turn; Rasa stores the conversation at its end.
    """
    deadline = time.monotonic() + timeout
    while True:
        tracker = stack.api(f"/conversations/tg:{chat}/tracker").json()
        texts = [event["text"] for event in tracker["events"] if event["event"] == "user"]
        if texts == expected or time.monotonic() > deadline:
            return texts
        time.sleep(0.1)


def responses_with_buttons() -> list[str]:
    domain = yaml.safe_load((PROJECT_ROOT / "domain.yml").read_text())
    return [
        name
        for name, variants in domain.get("responses", {}).items()
        if any(variant.get("buttons") for variant in variants)
    ]


# --- webhook mode ---------------------------------------------------------------


def test_the_webhook_is_registered_at_start_with_the_secret(stack, telegram_api):
    # Every Rasa server registers at start (the replicas of other tests too).
    registrations = telegram_api.wait_for("setWebhook")
    assert registrations
    for registration in registrations:
        assert registration.params["url"] == TELEGRAM_WEBHOOK_URL
        assert registration.params["secret_token"] == TELEGRAM_WEBHOOK_SECRET
        assert registration.params["allowed_updates"] == ["message", "callback_query"]


def test_the_health_check_reports_the_mode(stack):
    reply = stack.session.get(f"{stack.rasa_url}/webhooks/telegram/", timeout=10)
    assert reply.json() == {"status": "ok", "mode": "webhook", "configured": True}


def test_a_question_gets_a_grounded_answer_in_that_chat(stack, telegram_api, chat_id):
    reply = post_update(stack, text_message(chat_id, "What is the Open Water course?"))
    assert reply.status_code == 200

    (answer,) = telegram_api.wait_for("sendMessage", chat_id)
    assert "Open Water" in answer.params["text"]
    assert "Source:" in answer.params["text"]


def test_the_bot_shows_typing_before_it_answers(stack, telegram_api, chat_id):
    post_update(stack, text_message(chat_id, "hello"))

    telegram_api.wait_for("sendMessage", chat_id)
    chat_calls = [call for call in telegram_api.calls if call.chat_id == str(chat_id)]
    assert [call.method for call in chat_calls][:2] == ["sendChatAction", "sendMessage"]
    assert chat_calls[0].params["action"] == "typing"


def test_start_gets_the_greeting(stack, telegram_api, chat_id):
    post_update(stack, text_message(chat_id, "/start"))

    (greeting,) = telegram_api.wait_for("sendMessage", chat_id)
    assert greeting.params["text"].startswith("Hi, I'm DovvyBuddy")


def test_restart_clears_the_conversation(stack, telegram_api, chat_id):
    post_update(stack, text_message(chat_id, "hello"))
    post_update(stack, text_message(chat_id, "/restart"))

    replies = telegram_api.wait_for("sendMessage", chat_id, count=2)
    assert "Fresh start" in replies[1].params["text"]
    assert stored_user_texts(stack, chat_id, []) == []


def test_help_is_answered_by_the_channel(stack, telegram_api, chat_id):
    post_update(stack, text_message(chat_id, "/help"))

    (help_text,) = telegram_api.wait_for("sendMessage", chat_id)
    assert "/restart" in help_text.params["text"]


def test_a_photo_gets_a_polite_text_only_reply(stack, telegram_api, chat_id):
    post_update(stack, photo_message(chat_id))

    (reply,) = telegram_api.wait_for("sendMessage", chat_id)
    assert "only read text" in reply.params["text"]


@pytest.mark.parametrize("secret", [None, "wrong-secret"])
def test_an_update_without_the_right_secret_is_refused(stack, telegram_api, chat_id, secret):
    reply = post_update(stack, text_message(chat_id, "hello"), secret=secret)

    assert reply.status_code == 403
    assert reply.json()["error"] == "forbidden"
    assert telegram_api.calls_to("sendMessage", chat_id) == []
    assert stored_user_texts(stack, chat_id, []) == []


def test_a_malformed_body_is_a_400(stack):
    reply = stack.session.post(
        f"{stack.rasa_url}/webhooks/telegram/webhook",
        data=b"{not json",
        headers={SECRET_HEADER: TELEGRAM_WEBHOOK_SECRET},
        timeout=10,
    )
    assert reply.status_code == 400
    assert reply.json()["error"] == "invalid_json"


def test_json_that_is_not_an_update_is_acknowledged_so_telegram_does_not_retry(stack):
    reply = post_update(stack, {"hello": "world"})
    assert reply.status_code == 200
    assert reply.json() == {"status": "ignored"}


def test_a_button_press_is_answered_and_starts_the_next_turn(stack, telegram_api, chat_id):
    update = button_press(chat_id, "/greet")
    post_update(stack, update)

    (greeting,) = telegram_api.wait_for("sendMessage", chat_id)
    assert greeting.params["text"].startswith("Hi, I'm DovvyBuddy")
    (answered,) = telegram_api.calls_to("answerCallbackQuery")[-1:]
    assert answered.params["callback_query_id"] == update["callback_query"]["id"]


@pytest.mark.parametrize("response", responses_with_buttons())
def test_a_response_with_buttons_arrives_as_an_inline_keyboard(
    stack, telegram_api, chat_id, response
):
    post_update(stack, text_message(chat_id, "/start"))
    assert stored_user_texts(stack, chat_id, [GREET_PAYLOAD]) == [GREET_PAYLOAD]

    # Rasa's HTTP API sends the response through the channel's output channel.
    executed = stack.session.post(
        f"{stack.rasa_url}/conversations/tg:{chat_id}/execute",
        params={"token": stack.token, "output_channel": "telegram"},
        json={"name": response},
        timeout=30,
    )
    assert executed.status_code == 200, executed.text

    message = telegram_api.wait_for("sendMessage", chat_id, count=2)[1]
    keyboard = message.params["reply_markup"]["inline_keyboard"]
    assert keyboard and all(len(row) == 1 for row in keyboard)

    payload = keyboard[0][0]["callback_data"]
    post_update(stack, button_press(chat_id, payload))
    telegram_api.wait_for("sendMessage", chat_id, count=3)
    expected = [GREET_PAYLOAD, payload]
    assert stored_user_texts(stack, chat_id, expected) == expected


def test_the_http_api_can_send_to_a_telegram_chat(stack, telegram_api, chat_id):
    triggered = stack.session.post(
        f"{stack.rasa_url}/conversations/tg:{chat_id}/trigger_intent",
        params={"token": stack.token, "output_channel": "telegram"},
        json={"name": "thanks"},
        timeout=30,
    )

    assert triggered.status_code == 200, triggered.text
    (message,) = telegram_api.wait_for("sendMessage", chat_id)
    assert "welcome" in message.params["text"]


def test_a_group_message_not_addressed_to_the_bot_gets_no_reply(stack, telegram_api, group_id):
    post_update(stack, text_message(group_id, "anyone free to dive on Saturday?"))
    post_update(stack, text_message(group_id, f"@{telegram_api.username} hello"))

    (greeting,) = telegram_api.wait_for("sendMessage", group_id)
    assert "DovvyBuddy" in greeting.params["text"]
    assert stored_user_texts(stack, group_id, ["hello"]) == ["hello"]
    assert len(telegram_api.calls_to("sendChatAction", group_id)) == 1


def test_a_lead_request_in_a_group_is_moved_to_a_private_chat(stack, telegram_api, group_id):
    post_update(
        stack, text_message(group_id, f"@{telegram_api.username} I want to learn to dive in Tioman")
    )
    texts = [call.params["text"] for call in telegram_api.wait_for("sendMessage", group_id)]
    assert any("private message" in text for text in texts)
    assert not any("What's your name" in text for text in texts)


def test_a_chat_flooding_the_bot_is_told_once_to_slow_down(stack, telegram_api, chat_id):
    for number in range(25):
        post_update(stack, text_message(chat_id, f"hello {number}"))
    within_rate = [f"hello {number}" for number in range(20)]
    assert stored_user_texts(stack, chat_id, within_rate, timeout=120) == within_rate
    texts = telegram_api.texts_to(chat_id)
    assert sum("sending messages quickly" in text for text in texts) == 1


def test_chats_are_separate_conversations(stack, telegram_api, chat_id, group_id):
    post_update(stack, text_message(chat_id, "hello"))
    post_update(stack, text_message(group_id, f"@{telegram_api.username} thanks a lot"))

    assert "DovvyBuddy" in telegram_api.wait_for("sendMessage", chat_id)[0].params["text"]
    assert "welcome" in telegram_api.wait_for("sendMessage", group_id)[0].params["text"]
    assert stored_user_texts(stack, chat_id, ["hello"]) == ["hello"]


# --- polling mode -------------------------------------------------------------------


@pytest.fixture(scope="module")
def polling_rasa(stack: LaunchedStack, telegram_api: FakeTelegramApi) -> Iterator[RasaReplica]:
    """A second Rasa server of the stack, polling; Telegram fails its first calls."""
    telegram_api.fail_next("deleteWebhook")
    telegram_api.fail_next("getUpdates")
    replica = start_rasa_replica(stack, {"TELEGRAM_MODE": "polling"})
    yield replica
    # Polling is cancelled cleanly: a normal exit, no stack trace.
    assert replica.stop() == 0, replica.output()
    assert "Traceback" not in replica.output(), replica.output()


def test_polling_answers_queued_updates_after_telegram_errors(polling_rasa, telegram_api, chat_id):
    telegram_api.queue_update(text_message(chat_id, "What is the Open Water course?"))

    (answer,) = telegram_api.wait_for("sendMessage", chat_id, timeout=60)
    assert "Open Water" in answer.params["text"]
    # The failed first attempts were retried: the webhook is gone before polling.
    assert len(telegram_api.calls_to("deleteWebhook")) == 2
    assert len(telegram_api.calls_to("getUpdates")) >= 2


def test_polling_confirms_updates_so_each_is_answered_once(polling_rasa, telegram_api, chat_id):
    telegram_api.queue_update(text_message(chat_id, "hello"))
    telegram_api.wait_for("sendMessage", chat_id, timeout=60)
    telegram_api.queue_update(text_message(chat_id, "thanks a lot"))

    replies = telegram_api.wait_for("sendMessage", chat_id, count=2, timeout=60)
    assert "DovvyBuddy" in replies[0].params["text"]
    assert "welcome" in replies[1].params["text"]
    assert len(telegram_api.calls_to("sendChatAction", chat_id)) == 2


def test_the_polling_server_reports_its_mode(polling_rasa):
    reply = requests.get(f"{polling_rasa.url}/webhooks/telegram/", timeout=10)
    assert reply.json()["mode"] == "polling"
