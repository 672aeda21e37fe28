"""Random and hostile payloads against the live webhooks: never a 5xx, never a
hang, never an empty reply to a message that was accepted, and the server
serves normally afterwards."""

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests import strategies
from tests.e2e.conftest import DEGRADED_REPLIES

pytestmark = pytest.mark.e2e

live = settings(
    max_examples=40,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
json_values = strategies.json_values(max_size=3, max_leaves=8)
# Bodies outside the contract: raw bytes and any JSON value. Well-formed
# messages, valid and invalid by the contract, are generated from
# web/openapi.json by Schemathesis (tests/e2e/test_api_contract.py).
bodies = st.one_of(
    st.binary(max_size=2048),
    json_values.map(lambda value: json.dumps(value).encode()),
)


@live
@given(body=bodies)
def test_the_rest_webhook_answers_any_body_with_a_reply_or_a_4xx(stack, body):
    reply = stack.post(data=body, timeout=30)
    assert reply.status_code < 500
    if reply.status_code == 200:
        texts = [message.get("text", "") for message in reply.json()]
        assert any(text.strip() for text in texts)
        assert not set(texts) & DEGRADED_REPLIES, "the stack failed to answer"
    else:
        assert 400 <= reply.status_code < 500 and reply.json()["error"]


def test_a_huge_body_is_refused_and_the_server_serves_on(stack, sender):
    huge = json.dumps({"sender": sender, "message": "a" * 5_000_000}).encode()
    reply = stack.post(data=huge, timeout=60)
    assert reply.status_code in (400, 413)
    assert "DovvyBuddy" in stack.say(sender, "hi")[0]
