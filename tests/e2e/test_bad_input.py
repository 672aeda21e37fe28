"""Bad input over REST: a clear 4xx or a polite reply, and the server keeps serving."""

import json

import pytest

from tests.e2e.conftest import DEGRADED_REPLIES

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize(
    ("raw", "status", "error"),
    [
        (b"{not json", 400, "invalid_json"),
        (json.dumps({"message": "hi"}).encode(), 400, "missing_sender"),
        (json.dumps({"sender": "x", "message": ""}).encode(), 400, "empty_message"),
        (json.dumps({"sender": "x", "message": "   \n "}).encode(), 400, "empty_message"),
        (json.dumps({"sender": "x", "message": "a" * 20_000}).encode(), 413, "message_too_long"),
        (json.dumps({"sender": "x", "message": 12}).encode(), 400, "missing_message"),
    ],
)
def test_malformed_requests_get_a_clear_4xx(stack, raw, status, error):
    reply = stack.post(data=raw)
    assert reply.status_code == status
    assert reply.json()["error"] == error
    assert reply.json()["detail"]


@pytest.mark.parametrize(
    "text",
    [
        "🤿🐠🐢",
        "مرحبا، هل يمكنني الغوص؟",
        "שלום",
        "hello\x00\x07 there\x1b[31m",
        "Selamat pagi, saya mahu belajar menyelam",
        "' OR 1=1; DROP TABLE events; --",
        "<script>alert(1)</script>",
    ],
)
def test_unusual_text_gets_a_polite_non_empty_reply(stack, sender, text):
    replies = stack.say(sender, text)
    assert replies, "an empty [] reply is a failure"
    assert all(reply.strip() for reply in replies)
    assert not set(replies) & DEGRADED_REPLIES, "the stack failed to answer"


def test_server_keeps_serving_after_bad_input(stack, sender):
    for raw in (b"\xff\xfe\x00", b"null", b"[]", b"{" * 10_000):
        assert stack.post(data=raw).status_code == 400
    assert "DovvyBuddy" in stack.say(sender, "hi")[0]
