"""Structured logs: one JSON object per line, with the conversation and request.

Standard library only: every process uses it, the Rasa server and the action
server through `logging.yml` (their `--logging-config-file`), the lead worker
and the web server through `configure_json_logging()`.

Each line has `time`, `level`, `service` (DOVVY_SERVICE, set per process by
the stack), `logger` and `message`. Messages that are themselves JSON objects
(the project logs events that way, e.g. `{"event": "safety_reply", ...}`)
are merged into the line. The input channels set `conversation_id` and
`request_id` for the duration of a turn, so Rasa's own log lines about that
turn carry them too. Log texts never include what the diver typed.
"""

from __future__ import annotations

import json
import logging
import os
import sys
from contextvars import ContextVar
from datetime import datetime, timezone

conversation_id: ContextVar[str | None] = ContextVar("conversation_id", default=None)
request_id: ContextVar[str | None] = ContextVar("request_id", default=None)


class JsonFormatter(logging.Formatter):
    """Format a record as one line of JSON."""

    def __init__(self, service: str | None = None) -> None:
        super().__init__()
        self.service = service or os.environ.get("DOVVY_SERVICE", "dovvybuddy")

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
        for key, variable in (("conversation_id", conversation_id), ("request_id", request_id)):
            value = getattr(record, key, None) or variable.get()
            if value and key not in line:
                line[key] = value
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


def configure_json_logging(service: str, level: str = "INFO") -> None:
    """Send this process's logs to stderr as JSON lines."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter(service))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
