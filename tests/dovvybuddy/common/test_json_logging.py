"""Structured logs: one JSON object per line, with conversation and request ids."""

import json
import logging
import sys

from dovvybuddy.common.json_logging import JsonFormatter, conversation_id, log_event, request_id
from dovvybuddy.common.settings import keyed_hash


def formatted(message: str, *args, exc_info=None, **extra) -> dict:
    record = logging.LogRecord("dovvy.test", logging.INFO, __file__, 1, message, args, exc_info)
    record.__dict__.update(extra)
    return json.loads(JsonFormatter("rasa").format(record))


def test_a_plain_message_becomes_a_json_line_with_time_level_and_service():
    line = formatted("model %s loaded", "abc")
    assert line["message"] == "model abc loaded"
    assert (line["level"], line["service"], line["logger"]) == ("INFO", "rasa", "dovvy.test")
    assert line["time"].endswith("+00:00")


def test_an_event_logged_as_json_is_merged_into_the_line():
    line = formatted(json.dumps({"event": "safety_reply", "category": "emergency"}))
    assert line["event"] == "safety_reply" and line["category"] == "emergency"
    assert "message" not in line


def test_log_event_writes_one_event_at_the_level_asked_with_the_conversation_hashed(caplog):
    logger = logging.getLogger("dovvy.events")
    with caplog.at_level(logging.INFO, logger="dovvy.events"):
        log_event(logger, "trip_match", month=6, conversation_id="diver-7")
        log_event(logger, "lead_delivery", log_level=logging.WARNING, outcome="retry")
    first, second = (json.loads(JsonFormatter("actions").format(r)) for r in caplog.records)
    assert (first["event"], first["month"], first["level"]) == ("trip_match", 6, "INFO")
    assert first["conversation"] == keyed_hash("diver-7")[:16]
    assert "diver-7" not in json.dumps(first)
    assert [r.levelno for r in caplog.records] == [logging.INFO, logging.WARNING]
    assert (second["event"], second["outcome"], second["level"]) == (
        "lead_delivery",
        "retry",
        "WARNING",
    )


def test_the_conversation_and_request_of_the_current_turn_are_added():
    conversation, request = conversation_id.set("diver-42"), request_id.set("req-1")
    try:
        line = formatted("turn handled")
    finally:
        conversation_id.reset(conversation)
        request_id.reset(request)
    assert (line["conversation"], line["request_id"]) == (keyed_hash("diver-42")[:16], "req-1")
    assert "conversation" not in formatted("outside a turn")


def test_an_exception_is_kept_in_the_line():
    try:
        raise ValueError("boom")
    except ValueError:
        line = formatted("failed", exc_info=sys.exc_info())
    assert "ValueError: boom" in line["exception"]
