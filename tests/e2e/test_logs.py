"""The logs of every process: structured JSON, with no personal data.

A diver goes through a whole lead form on the shared stack, with a name, an
email and a phone number no other test uses; after the lead is delivered,
none of the three may appear in any log file.
"""

import hashlib
import hmac
import json

import pytest

from dovvybuddy.ops.launcher import conversation_id

pytestmark = pytest.mark.e2e

NAME = "Quentin Zebrowski"
EMAIL = "quentin.zebrowski@example.org"
PHONE_DIGITS = "60198765432"


@pytest.fixture(scope="module")
def lead_conversation(stack, smtp_server) -> str:
    sender = conversation_id("e2e-logs-lead")
    for text in (
        "I want to learn to dive in Redang",
        NAME,
        EMAIL,
        "+60 19-876 5432",
        "none yet",
        "open water",
        "in June",
        "any of them",
        "skip",
        "yes",
        "yes",
    ):
        stack.say(sender, text)
    smtp_server.message_containing(EMAIL, timeout=60)
    return sender


def log_files(stack):
    files = sorted((stack.var_dir / "logs").glob("*.log"))
    assert {path.name for path in files} >= {"rasa.log", "actions.log", "lead_delivery.log"}
    return files


def test_names_emails_and_phone_numbers_never_reach_the_logs(stack, lead_conversation):
    for path in log_files(stack):
        text = path.read_text(errors="replace")
        digits = "".join(char for char in text if char.isdigit() or char == "\n")
        assert EMAIL not in text, path.name
        assert "Zebrowski" not in text and "Quentin" not in text, path.name
        assert PHONE_DIGITS not in digits.replace("\n", " "), path.name


def json_lines(path):
    lines = []
    for line in path.read_text(errors="replace").splitlines():
        if line.startswith("{"):
            lines.append(json.loads(line))
    return lines


def stack_hash(stack, sender_id: str) -> str:
    """The conversation's keyed hash under the test stack's secret."""
    secret = stack.env["DOVVY_HASH_SECRET"]
    return hmac.new(secret.encode(), sender_id.encode(), hashlib.sha256).hexdigest()[:16]


def test_no_log_line_carries_the_conversation_id(stack, lead_conversation):
    for path in (stack.var_dir / "logs").glob("*.log"):
        assert lead_conversation not in path.read_text(errors="replace"), path.name


def test_the_submitted_lead_is_logged_as_a_json_event_with_its_conversation(
    stack, lead_conversation
):
    events = json_lines(stack.var_dir / "logs" / "actions.log")
    [submitted] = [
        event
        for event in events
        if event.get("event") == "lead_submitted"
        and event.get("conversation") == stack_hash(stack, lead_conversation)
    ]
    assert submitted["service"] == "actions" and submitted["level"] == "INFO"


def test_the_lead_worker_logs_its_delivery_as_json(stack, lead_conversation):
    events = json_lines(stack.var_dir / "logs" / "lead_delivery.log")
    outcomes = [event.get("outcome") for event in events if event.get("event") == "lead_delivery"]
    assert "delivered" in outcomes
    assert all(event["service"] == "lead-worker" for event in events)


def test_every_rest_reply_carries_a_request_id(stack, sender):
    reply = stack.post({"sender": sender, "message": "hi"})
    assert len(reply.headers["X-Request-ID"]) == 32
