"""Validation of chat requests before they reach the NLU."""

import json

import pytest

from connectors.validation import InvalidRequest, clean_text, parse_request

LIMIT = 2000


def body(**fields) -> bytes:
    return json.dumps(fields).encode()


def test_a_valid_request_gives_sender_message_and_metadata():
    assert parse_request(body(sender="a", message="hi", metadata={"x": 1}), LIMIT) == (
        "a",
        "hi",
        {"x": 1},
    )


@pytest.mark.parametrize(
    ("raw", "status", "error"),
    [
        (b"not json", 400, "invalid_json"),
        (b"", 400, "invalid_json"),
        (b"[1, 2]", 400, "invalid_json"),
        (b"\xff\xfe", 400, "invalid_json"),
        (body(message="hi"), 400, "missing_sender"),
        (body(sender="", message="hi"), 400, "missing_sender"),
        (body(sender=42, message="hi"), 400, "missing_sender"),
        (body(sender="x" * 129, message="hi"), 400, "invalid_sender"),
        (body(sender="diver\x00", message="hi"), 400, "invalid_sender"),
        (body(sender="tg:123456", message="hi"), 400, "invalid_sender"),
        (body(sender="a", message="/"), 400, "empty_message"),
        (body(sender="a", message="\x00" * LIMIT + "hi"), 413, "message_too_long"),
        (body(sender="line\nbreak", message="hi"), 400, "invalid_sender"),
        (body(sender="a"), 400, "missing_message"),
        (body(sender="a", message=["hi"]), 400, "missing_message"),
        (body(sender="a", message=""), 400, "empty_message"),
        (body(sender="a", message=" \n\t "), 400, "empty_message"),
        (body(sender="a", message="\x00\x07\x1b"), 400, "empty_message"),
        (body(sender="a", message="x" * (LIMIT + 1)), 413, "message_too_long"),
        (body(sender="a", message="hi", metadata="oops"), 400, "invalid_metadata"),
        (body(sender="a", message="hi", metadata={"a": {"b": {"c": {}}}}), 400, "invalid_metadata"),
        (
            body(sender="a", message="hi", metadata={str(n): n for n in range(21)}),
            400,
            "invalid_metadata",
        ),
        (body(sender="a", message="hi", metadata={"blob": "x" * 3000}), 400, "invalid_metadata"),
        (b"[" * 100_000 + b"]" * 100_000, 400, "invalid_json"),
        (
            b'{"sender": "a", "message": "hi", "metadata": ' + b"[" * 5000 + b"]" * 5000 + b"}",
            400,
            "invalid_json",
        ),
    ],
)
def test_bad_requests_are_refused_with_a_clear_reason(raw, status, error):
    with pytest.raises(InvalidRequest) as refused:
        parse_request(raw, LIMIT)
    assert (refused.value.status, refused.value.error) == (status, error)
    assert refused.value.detail


def test_a_message_at_the_limit_is_accepted():
    assert parse_request(body(sender="a", message="x" * LIMIT), LIMIT)[1] == "x" * LIMIT


def test_control_characters_are_removed_but_text_emoji_and_rtl_are_kept():
    assert clean_text("he\x00llo\x1b 🤿\u200d 👋 مرحبا\u200f\n") == "hello 🤿\u200d 👋 مرحبا\u200f"


def test_text_is_normalised_so_the_same_word_looks_the_same():
    assert clean_text("cafe\u0301") == "caf\u00e9"
