"""Reading Rasa's tracker store: the period asked, the user turns, the thresholds.

Rasa keeps every conversation event in the `events` table; the insights
report and the review export both start from `USER_TURNS`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import psycopg
import yaml

from dovvybuddy.common.settings import PROJECT_ROOT

Connection = psycopg.Connection[dict[str, Any]]

FALLBACK_INTENT = "nlu_fallback"
UNKNOWN = "unknown"
NO_TRACKER_STORE = "No conversations yet: Rasa creates its tracker store on its first start."

# Every user message of the period with what the NLU made of it and what came
# of it: the lead form it answered (if one was asking), the actions and
# responses that replied, and the next message of the same conversation.
# Rasa keeps each event as JSON text in `data` and copies the intent (user
# events) and the action, form or slot name into `intent_name`/`action_name`.
USER_TURNS = """
WITH user_events AS (
    SELECT id, sender_id, timestamp, intent_name, data::jsonb AS body,
           lead(id) OVER conversation AS next_id,
           lead(timestamp) OVER conversation AS next_timestamp,
           lead(data::jsonb ->> 'text') OVER conversation AS next_text
    FROM events
    WHERE type_name = 'user'
    WINDOW conversation AS (PARTITION BY sender_id ORDER BY id)
),
user_turns AS (
    SELECT u.id, u.sender_id, u.timestamp, u.next_timestamp, u.next_text,
           (to_timestamp(u.timestamp) AT TIME ZONE 'UTC')::date AS day,
           coalesce(u.body ->> 'input_channel', 'unknown') AS channel,
           coalesce(u.body ->> 'text', '') AS text,
           coalesce(u.intent_name, 'unknown') AS intent,
           jsonb_path_query_array(u.body, '$.parse_data.intent_ranking[*]') AS ranking,
           coalesce((
               SELECT max(confidence::float8)
               FROM jsonb_path_query(u.body,
                   '$.parse_data.intent_ranking[*] ? (@.name != "nlu_fallback").confidence'
               ) AS confidence
           ), 0) AS best_confidence,
           (
               SELECT CASE WHEN state.type_name = 'active_loop' THEN state.action_name END
               FROM events AS state
               WHERE state.sender_id = u.sender_id AND state.id < u.id
                 AND state.type_name IN ('active_loop', 'restart', 'session_started')
               ORDER BY state.id DESC
               LIMIT 1
           ) AS active_form,
           replies.actions, replies.responses
    FROM user_events AS u
    CROSS JOIN LATERAL (
        SELECT coalesce(array_agg(reply.action_name)
                        FILTER (WHERE reply.type_name = 'action'), '{}') AS actions,
               coalesce(array_agg(reply.data::jsonb #>> '{metadata,utter_action}')
                        FILTER (WHERE reply.type_name = 'bot'), '{}') AS responses
        FROM events AS reply
        WHERE reply.sender_id = u.sender_id AND reply.id > u.id
          AND (u.next_id IS NULL OR reply.id < u.next_id)
          AND reply.type_name IN ('action', 'bot')
    ) AS replies
    WHERE u.timestamp >= %(start)s AND u.timestamp < %(end)s
)
"""


@dataclass(frozen=True)
class Period:
    """Whole UTC days from `since` to `until`, both included; None is open-ended."""

    since: date | None = None
    until: date | None = None

    def bounds(self) -> dict[str, float]:
        """The period as epoch seconds, start inclusive and end exclusive."""
        start = _midnight(self.since) if self.since else -math.inf
        end = _midnight(self.until + timedelta(days=1)) if self.until else math.inf
        return {"start": start, "end": end}

    def contains(self, timestamp: float) -> bool:
        bounds = self.bounds()
        return bounds["start"] <= timestamp < bounds["end"]

    def as_json(self) -> dict[str, str | None]:
        return {
            "since": self.since.isoformat() if self.since else None,
            "until": self.until.isoformat() if self.until else None,
            "timezone": "UTC",
        }


def _midnight(day: date) -> float:
    return datetime.combine(day, time(), tzinfo=UTC).timestamp()


def fallback_threshold(config_path: Path = PROJECT_ROOT / "config.yml") -> float:
    """The FallbackClassifier's threshold in config.yml: below it, confidence is low."""
    pipeline = yaml.safe_load(config_path.read_text(encoding="utf-8"))["pipeline"]
    component = next(item for item in pipeline if item["name"] == "FallbackClassifier")
    return float(component["threshold"])


def normalised(text: str) -> str:
    """The text as it is compared: case and spacing folded, end punctuation dropped."""
    return " ".join(text.casefold().split()).rstrip(" ?!.")


def tracker_store_exists(connection: Connection) -> bool:
    """Whether Rasa has created its `events` table (it does on its first start)."""
    row = connection.execute("SELECT to_regclass('events') IS NOT NULL AS exists").fetchone()
    return bool(row and row["exists"])
