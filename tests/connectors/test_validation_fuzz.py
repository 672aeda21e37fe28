"""Property-based checks of request validation: whatever arrives, the channel
either accepts a clean message or refuses it with a 4xx, and never crashes."""

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from connectors.validation import InvalidRequest, clean_text, parse_request
from tests import strategies

LIMIT = 2000
# Reproducible in CI (the same examples every run) and patient on a busy machine.
fuzz = settings(
    max_examples=300, derandomize=True, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
json_values = strategies.json_values()
payloads = st.fixed_dictionaries(
    {},
    optional={
        "sender": json_values | st.text(max_size=200),
        "message": json_values | st.text(max_size=3000),
        "metadata": json_values,
    },
)


def outcome(body: bytes):
    try:
        return parse_request(body, LIMIT)
    except InvalidRequest as refused:
        assert 400 <= refused.status < 500 and refused.error and refused.detail
        return None


@fuzz
@given(st.binary(max_size=4096))
def test_arbitrary_bytes_are_accepted_or_refused_with_a_4xx(body):
    outcome(body)


@fuzz
@given(payloads)
def test_an_accepted_payload_always_has_a_clean_sender_and_message(payload):
    accepted = outcome(json.dumps(payload).encode())
    if accepted is not None:
        sender, message, metadata = accepted
        assert sender and sender == sender.strip()
        assert sender.isprintable()
        assert message and len(message) <= LIMIT and message == clean_text(message)
        assert metadata is None or isinstance(metadata, dict)


@fuzz
@given(st.text())
def test_cleaning_is_idempotent_and_leaves_no_control_characters(text):
    cleaned = clean_text(text)
    assert clean_text(cleaned) == cleaned
    assert not any(ord(char) < 32 and char not in "\n\t" for char in cleaned)
