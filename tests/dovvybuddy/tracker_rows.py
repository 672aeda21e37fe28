"""Rasa's tracker store for tests: its table, and conversations written into
it as Rasa 3.6 writes them (insights, review, redaction, retention)."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, date, datetime
from typing import Any

import psycopg

# The table as Rasa 3.6's SQLTrackerStore creates it on PostgreSQL: the DDL
# SQLAlchemy emits for rasa.core.tracker_store.SQLTrackerStore.SQLEvent.
RASA_EVENTS_TABLE = """
CREATE TABLE events (
    id SERIAL NOT NULL,
    sender_id VARCHAR(255) NOT NULL,
    type_name VARCHAR(255) NOT NULL,
    timestamp FLOAT,
    intent_name VARCHAR(255),
    action_name VARCHAR(255),
    data TEXT,
    PRIMARY KEY (id)
);
CREATE INDEX ix_events_sender_id ON events (sender_id);
"""

MODEL_METADATA = {"model_id": "test-model", "assistant_id": "dovvybuddy"}
FALLBACK = "nlu_fallback"
# The FallbackClassifier threshold in config.yml.
THRESHOLD = 0.6


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=UTC)


class Conversation:
    """One conversation's events, shaped as Rasa 3.6 stores them (`Event.as_dict()`)."""

    def __init__(self, sender_id: str, channel: str, start: datetime) -> None:
        self.sender_id = sender_id
        self.channel = channel
        self.clock = start.timestamp()
        self.events: list[dict[str, Any]] = []
        self.action("action_session_start", policy=None)
        self._add("session_started")
        self.action("action_listen", policy=None)

    def _add(self, event: str, **fields: Any) -> None:
        self.clock += 0.5
        self.events.append(
            {"event": event, "timestamp": self.clock, "metadata": dict(MODEL_METADATA), **fields}
        )

    def wait(self, seconds: float) -> Conversation:
        self.clock += seconds
        return self

    def action(self, name: str, policy: str | None = "RulePolicy") -> Conversation:
        self._add(
            "action",
            name=name,
            policy=policy,
            confidence=1.0,
            action_text=None,
            hide_rule_turn=False,
        )
        return self

    def bot(self, response: str | None = None, text: str = "(reply)") -> Conversation:
        """A bot message; `response` is the domain response it came from, if any."""
        self._add(
            "bot",
            text=text,
            data={key: None for key in ("elements", "quick_replies", "buttons", "image")},
        )
        if response:
            self.events[-1]["metadata"] = {"utter_action": response, **MODEL_METADATA}
        return self

    def slot(self, name: str, value: Any) -> Conversation:
        self._add("slot", name=name, value=value)
        return self

    def active_loop(self, name: str | None) -> Conversation:
        self._add("active_loop", name=name)
        return self

    def followup(self, name: str) -> Conversation:
        self._add("followup", name=name)
        return self

    def say(
        self,
        text: str,
        intent: str,
        confidence: float = 0.95,
        ranking: list[tuple[str, float]] | None = None,
        slots: dict[str, Any] | None = None,
    ) -> Conversation:
        """A diver's message as the NLU parsed it, then the slots its mappings fill."""
        ranking = ranking if ranking is not None else [(intent, confidence)]
        parse_data = {
            "intent": {"name": intent, "confidence": confidence},
            "entities": [],
            "text": text,
            "message_id": uuid.uuid4().hex,
            "metadata": {},
            "intent_ranking": [{"name": name, "confidence": score} for name, score in ranking],
        }
        self._add(
            "user",
            text=text,
            parse_data=parse_data,
            input_channel=self.channel,
            message_id=parse_data["message_id"],
        )
        for name, value in (slots or {}).items():
            self.slot(name, value)
        self._add("user_featurization", use_text_for_featurization=False)
        return self

    def fallback(self, text: str, *ranking: tuple[str, float]) -> Conversation:
        """A message the FallbackClassifier turned into nlu_fallback."""
        return self.say(text, FALLBACK, THRESHOLD, [(FALLBACK, THRESHOLD), *ranking])

    def reply(self, action: str, *responses: str, text: str | None = None) -> Conversation:
        """The bot's turn: the action, its responses (or free text), then listening."""
        self.action(action)
        for response in responses:
            self.bot(response)
        if text:
            self.bot(text=text)
        return self.action("action_listen")

    def start_form(self, form: str, text: str, intent: str, **slots: Any) -> Conversation:
        self.say(text, intent, slots=slots)
        self.action(form).active_loop(form).slot("requested_slot", "lead_name")
        return self.bot("utter_ask_lead_name").action("action_listen")

    def answer(
        self,
        form: str,
        field: str,
        text: str,
        value: Any,
        next_field: str | None,
        intent: str = FALLBACK,
    ) -> Conversation:
        """Answer the field asked; the form validates it and asks the next (or ends)."""
        confidence = THRESHOLD if intent == FALLBACK else 0.9
        raw = value if isinstance(value, bool) else text
        self.say(text, intent, confidence, slots={field: raw}).action(form)
        if value is None:
            self.bot(f"utter_invalid_{field}")
        self.slot(field, value)
        if next_field:
            self.slot("requested_slot", next_field).bot(f"utter_ask_{next_field}")
            return self.action("action_listen")
        return self.slot("requested_slot", None).active_loop(None)

    def fill(
        self, form: str, answers: list[tuple[str, str, Any]], then: str | None = None
    ) -> Conversation:
        """Answer fields in order, the form asking the next each time (`then` last)."""
        fields = [field for field, _, _ in answers]
        for (field, text, value), next_field in zip(answers, [*fields[1:], then], strict=True):
            intent = {True: "affirm", False: "deny"}.get(value, FALLBACK)
            self.answer(form, field, text, value, next_field, intent)
        return self

    def _reset_form_slots(self) -> Conversation:
        for slot in ("lead_name", "lead_email", "lead_consent", "lead_confirmed"):
            self.slot(slot, None)
        return self.action("action_listen")

    def submit(self, response: str) -> Conversation:
        """The submit action after the form: its reply, then the form's slots reset."""
        return self.action("action_submit_lead").bot(response)._reset_form_slots()

    def cancel(self, text: str) -> Conversation:
        """The diver stops the form: it is cancelled and nothing is stored."""
        self.say(text, "stop", 0.97).action("action_cancel_lead").bot("utter_lead_cancelled")
        return self.active_loop(None).slot("requested_slot", None)._reset_form_slots()

    def restart(self) -> Conversation:
        self.say("/restart", "restart", 1.0).action("action_restart").bot("utter_restart")
        self._add("restart")
        self.action("action_session_start", policy="followup_action")
        self._add("session_started")
        return self.action("action_listen", policy=None)


def store(database_url: str, *conversations: Conversation) -> None:
    """Insert the events as SQLTrackerStore.save() does, columns included."""
    rows = [
        (
            conversation.sender_id,
            event["event"],
            event["timestamp"],
            event.get("parse_data", {}).get("intent", {}).get("name"),
            event.get("name"),
            json.dumps(event),
        )
        for conversation in conversations
        for event in conversation.events
    ]
    with psycopg.connect(database_url) as conn:
        conn.cursor().executemany(
            "INSERT INTO events (sender_id, type_name, timestamp, intent_name, action_name, data)"
            " VALUES (%s, %s, %s, %s, %s, %s)",
            rows,
        )
