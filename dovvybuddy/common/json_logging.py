"""Structured logs: one JSON object per line, with the conversation and request.

Standard library only: every process uses it, the Rasa server and the action
server through `logging.yml` (their `--logging-config-file`), the lead worker
and the web server through `configure_json_logging()`.

Each line has `time`, `level`, `service` (DOVVY_SERVICE, set per process by
the stack), `logger` and `message`. Messages that are themselves JSON objects
(events written by `log_event()`, e.g. `{"event": "safety_reply", ...}`) are
merged into the line. The input channels set `conversation_id` and
`request_id` for the duration of a turn, so Rasa's own log lines about that
turn carry them too. Log texts never include what the diver typed.

A web conversation's id is the only credential of that conversation, so no
line carries it: a `conversation_id` (set by a channel or given in an event)
is written as `conversation`, its keyed hash (dovvybuddy.common.settings.keyed_hash,
16 hex digits), which still groups one conversation's lines.
"""

from __future__ import annotations

import json
import logging
import os
import sys
from contextvars import ContextVar
from datetime import datetime, timezone
from functools import lru_cache

from dovvybuddy.common.settings import keyed_hash

conversation_id: ContextVar[str | None] = ContextVar("conversation_id", default=None)
request_id: ContextVar[str | None] = ContextVar("request_id", default=None)


class JsonFormatter(logging.Formatter):
    """Format a record as one line of JSON."""

    def __init__(self, service: str | None = None) -> None:
        super().__init__()
        self.service = service or os.environ.get("DOVVY_SERVICE", "dovvybuddy")

    @staticmethod
    @lru_cache(maxsize=4096)
    def _conversation_hash(sender_id: str) -> str:
        return keyed_hash(sender_id)[:16]

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, timezone.utc).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "service": self.service,
            "logger": record.name,
        }
        message = record.getMessage()
        event = _json_object(message)
        if event is None:
            line["message"] = message
        else:
            line.update(event)
        conversation = (
            line.pop("conversation_id", None)
            or getattr(record, "conversation_id", None)
            or conversation_id.get()
        )
        if conversation:
            line["conversation"] = self._conversation_hash(str(conversation))
        request = getattr(record, "request_id", None) or request_id.get()
        if request and "request_id" not in line:
            line["request_id"] = request
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False, default=str)


def _json_object(message: str) -> dict | None:
    if not message.startswith("{"):
        return None
    try:
        parsed = json.loads(message)
    except ValueError:
        return None
    return parsed if isinstance(parsed, dict) else None


def log_event(
    logger: logging.Logger, event: str, /, *, log_level: int = logging.INFO, **fields: object
) -> None:
    """Log a structured event: one JSON object, `{"event": event, **fields}`.

    `JsonFormatter` merges it into the line; a plain formatter shows the JSON.
    A `conversation_id` field is written as its hash, never as itself.
    """
    logger.log(log_level, json.dumps({"event": event, **fields}))


def configure_json_logging(service: str, level: str = "INFO") -> None:
    """Send this process's logs to stderr as JSON lines."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter(service))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
