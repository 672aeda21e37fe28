"""What divers do with DovvyBuddy: `python -m dovvybuddy.analytics.insights`.

    --since YYYY-MM-DD   first day to include (UTC; default: the first conversation)
    --until YYYY-MM-DD   last day to include (UTC; default: today)
    --out-dir DIR        where insights.json and insights.html go (default: reports/)

It reads Rasa's tracker store (the `events` table) and the leads tables and
writes one JSON file and one self-contained HTML page (charts inline) with:

- conversations and user turns per day, by channel;
- the intents divers' messages got, with the nlu_fallback and low-confidence
  rates per day (messages typed into a lead form's fields are answers, not
  requests, and are counted apart);
- safety replies by category: emergency, medical, dive plan, injection;
- the lead funnel (form started, consent given, submitted, delivered) by
  type, destination and channel, and the fields where divers stop;
- questions the knowledge base had no answer for, with counts;
- time-varying facts in knowledge/ (fees, quotas, closures, chambers, ferry
  times) not verified for 18 months, to check against their sources.

Nothing personal leaves the database: questions are shown with emails, phone
numbers and the names given in the forms redacted (`dovvybuddy.common.redaction`),
and conversations are counted, never named. It uses DATABASE_URL, or starts
the embedded database when that is unset.
"""

from __future__ import annotations

import argparse
import base64
import io
import math
import sys
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime, time, timedelta
from html import escape
from itertools import groupby, pairwise
from pathlib import Path
from typing import Any

import psycopg
import yaml
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from psycopg.rows import dict_row

from dovvybuddy.common.redaction import Redactor, conversation_hash
from dovvybuddy.common.reports import write_report
from dovvybuddy.common.settings import PROJECT_ROOT, load_settings
from dovvybuddy.database.server import running_database
from dovvybuddy.knowledge.documents import load_documents
from dovvybuddy.knowledge.freshness import MAX_AGE_MONTHS, stale_facts
from dovvybuddy.knowledge.vocabulary import DESTINATIONS, FORM_LEAD_TYPES, SAFETY_RESPONSES
from dovvybuddy.leads.given_names import redactor_for

Connection = psycopg.Connection[dict[str, Any]]

FALLBACK_INTENT = "nlu_fallback"
# How each safety reply shows in the tracker (actions/safety.py): emergency
# guidance is free text from its own action, the others are responses.
SAFETY_SIGNALS = {
    "action_emergency_guidance": "emergency",
    **{response: category for category, response in SAFETY_RESPONSES.items()},
}
SAFETY_LABELS = {
    "emergency": "Emergency",
    "medical_question": "Medical question",
    "dive_plan_request": "Dive plan refused",
    "prompt_injection": "Injection attempt",
}
# What action_answer_question (actions/answer_question.py) replies when the
# knowledge base has nothing for a question; Rasa records the response name
# in the bot event's metadata as `utter_action`.
KNOWLEDGE_GAP_REPLIES = {
    "utter_no_knowledge": "no_knowledge",
    "utter_did_not_understand": "not_understood",
    "utter_destination_not_covered": "destination_not_covered",
}
# The replies that end a lead form (actions/lead_forms.py).
LEAD_SUBMITTED = "utter_lead_submitted"
LEAD_FORM_ENDINGS = frozenset({LEAD_SUBMITTED, "utter_lead_not_stored", "utter_lead_cancelled"})
FUNNEL_STEPS = ("started", "consent_given", "submitted", "delivered")
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

_ACTIVITY = (
    USER_TURNS
    + """
SELECT day, channel, count(DISTINCT sender_id) AS conversations, count(*) AS user_turns
FROM user_turns
GROUP BY GROUPING SETS ((day, channel), (channel), ())
ORDER BY day NULLS FIRST, channel NULLS FIRST
"""
)

_INTENTS = (
    USER_TURNS
    + """
SELECT intent, count(*) AS messages
FROM user_turns
WHERE active_form IS NULL
GROUP BY intent
ORDER BY messages DESC, intent
"""
)

_NLU_BY_DAY = (
    USER_TURNS
    + """
SELECT day,
       count(*) FILTER (WHERE active_form IS NULL) AS messages,
       count(*) FILTER (WHERE active_form IS NOT NULL) AS form_answers,
       count(*) FILTER (WHERE active_form IS NULL AND intent = 'nlu_fallback') AS nlu_fallback,
       count(*) FILTER (WHERE active_form IS NULL AND best_confidence < %(threshold)s)
           AS low_confidence
FROM user_turns
GROUP BY GROUPING SETS ((day), ())
ORDER BY day NULLS FIRST
"""
)

_SAFETY = (
    USER_TURNS
    + """
SELECT day, channel, signal.category, count(*) AS replies
FROM user_turns
JOIN unnest(%(signals)s::text[], %(categories)s::text[]) AS signal (name, category)
    ON signal.name = ANY (user_turns.actions || user_turns.responses)
GROUP BY day, channel, signal.category
ORDER BY day, channel, signal.category
"""
)

_KNOWLEDGE_GAPS = (
    USER_TURNS
    + """
SELECT text, gap.kind
FROM user_turns
JOIN unnest(%(replies)s::text[], %(kinds)s::text[]) AS gap (reply, kind)
    ON gap.reply = ANY (user_turns.responses)
ORDER BY user_turns.id
"""
)

# What the lead funnel follows, for every conversation that started a form in
# the period: form starts and ends, the field asked, consent, the destination
# (also from before the form), and the channel of the diver's messages.
_FORM_EVENTS = """
SELECT sender_id, type_name, timestamp, action_name,
       data::jsonb -> 'value' AS value,
       data::jsonb ->> 'input_channel' AS channel,
       data::jsonb #>> '{metadata,utter_action}' AS response
FROM events
WHERE sender_id IN (
        SELECT sender_id FROM events
        WHERE type_name = 'active_loop' AND action_name = ANY (%(forms)s)
          AND timestamp >= %(start)s AND timestamp < %(end)s)
  AND (type_name IN ('active_loop', 'restart', 'session_started', 'user', 'bot')
       OR (type_name = 'slot'
           AND action_name IN ('requested_slot', 'lead_consent', 'destination')))
ORDER BY sender_id, id
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


def _rate(part: int, whole: int) -> float:
    return round(part / whole, 4) if whole else 0.0


def _turn_counts(row: dict[str, Any]) -> dict[str, int]:
    return {"conversations": row["conversations"], "user_turns": row["user_turns"]}


def activity(connection: Connection, period: Period) -> dict[str, Any]:
    """Conversations (distinct senders) and user turns per day and channel."""
    rows = connection.execute(_ACTIVITY, period.bounds()).fetchall()
    return {
        "total": next(_turn_counts(row) for row in rows if row["channel"] is None),
        "by_channel": {
            row["channel"]: _turn_counts(row) for row in rows if row["channel"] and not row["day"]
        },
        "by_day": [
            {"day": row["day"].isoformat(), "channel": row["channel"], **_turn_counts(row)}
            for row in rows
            if row["day"]
        ],
    }


def _nlu_counts(row: dict[str, Any]) -> dict[str, Any]:
    counts = {k: row[k] for k in ("messages", "form_answers", "nlu_fallback", "low_confidence")}
    return {
        **counts,
        "nlu_fallback_rate": _rate(row["nlu_fallback"], row["messages"]),
        "low_confidence_rate": _rate(row["low_confidence"], row["messages"]),
    }


def nlu_quality(connection: Connection, period: Period, threshold: float) -> dict[str, Any]:
    """The intents of messages outside forms, and fallback and low-confidence rates per day."""
    intents = connection.execute(_INTENTS, period.bounds()).fetchall()
    days = connection.execute(_NLU_BY_DAY, {**period.bounds(), "threshold": threshold}).fetchall()
    return {
        "intents": {row["intent"]: row["messages"] for row in intents},
        "total": next(_nlu_counts(row) for row in days if row["day"] is None),
        "by_day": [
            {"day": row["day"].isoformat(), **_nlu_counts(row)} for row in days if row["day"]
        ],
    }


def safety_replies(connection: Connection, period: Period) -> dict[str, Any]:
    """Safety replies given, by category, day and channel."""
    rows = connection.execute(
        _SAFETY,
        {
            **period.bounds(),
            "signals": list(SAFETY_SIGNALS),
            "categories": list(SAFETY_SIGNALS.values()),
        },
    ).fetchall()
    total = Counter({category: 0 for category in SAFETY_LABELS})
    for row in rows:
        total[row["category"]] += row["replies"]
    return {
        "total": dict(total),
        "by_day": [
            {
                "day": row["day"].isoformat(),
                **{k: row[k] for k in ("channel", "category", "replies")},
            }
            for row in rows
        ],
    }


def knowledge_gaps(connection: Connection, period: Period, redactor: Redactor) -> dict[str, Any]:
    """Questions the knowledge base had nothing for, redacted and counted, most asked first."""
    rows = connection.execute(
        _KNOWLEDGE_GAPS,
        {
            **period.bounds(),
            "replies": list(KNOWLEDGE_GAP_REPLIES),
            "kinds": list(KNOWLEDGE_GAP_REPLIES.values()),
        },
    ).fetchall()
    counts: Counter[tuple[str, str]] = Counter()
    shown: dict[tuple[str, str], str] = {}
    for row in rows:
        question = redactor.redact(row["text"])
        key = (normalised(question), row["kind"])
        counts[key] += 1
        shown.setdefault(key, question)
    by_reply = Counter({kind: 0 for kind in KNOWLEDGE_GAP_REPLIES.values()})
    by_reply.update(row["kind"] for row in rows)
    return {
        "total": len(rows),
        "by_reply": dict(by_reply),
        "questions": [
            {"question": shown[key], "reply": key[1], "count": count}
            for key, count in sorted(counts.items(), key=lambda item: (-item[1], item[0]))
        ],
    }


@dataclass
class FormRun:
    """One lead form, from its start to its end (or to where the diver left it)."""

    sender_id: str
    lead_type: str
    channel: str
    started_at: float
    destination: str | None
    last_field: str | None = None
    consent_given: bool = False
    submitted_at: float | None = None
    delivered: bool = False

    def steps(self) -> dict[str, int]:
        """Which funnel steps this run reached, as 0/1 counts."""
        reached = (True, self.consent_given, self.submitted_at is not None, self.delivered)
        return {step: int(done) for step, done in zip(FUNNEL_STEPS, reached, strict=True)}


def _covered(value: Any) -> str | None:
    return value if value in DESTINATIONS else None


def _runs_of_conversation(sender_id: str, events: Iterable[dict[str, Any]]) -> Iterator[FormRun]:
    """The lead forms of one conversation, in order, followed event by event."""
    channel, destination, run = UNKNOWN, None, None
    for event in events:
        kind, name = event["type_name"], event["action_name"]
        if kind == "user":
            channel = event["channel"] or UNKNOWN
        elif kind == "slot" and name == "destination":
            destination = _covered(event["value"])
            if run:
                run.destination = destination
        elif kind == "active_loop" and name in FORM_LEAD_TYPES:
            if run:
                yield run
            run = FormRun(
                sender_id, FORM_LEAD_TYPES[name], channel, event["timestamp"], destination
            )
        elif kind in ("restart", "session_started"):
            if run:
                yield run
            run = None
            # A restart clears every slot; a new session carries them over.
            destination = None if kind == "restart" else destination
        elif run is None:
            continue
        elif kind == "slot" and name == "requested_slot" and event["value"]:
            run.last_field = event["value"]
        elif kind == "slot" and name == "lead_consent" and event["value"] is True:
            run.consent_given = True
        elif kind == "bot" and event["response"] in LEAD_FORM_ENDINGS:
            if event["response"] == LEAD_SUBMITTED:
                run.submitted_at = event["timestamp"]
            yield run
            run = None
    if run:
        yield run


def _mark_delivered(connection: Connection, runs: list[FormRun]) -> None:
    """Mark submitted runs whose stored lead was delivered to the partner.

    A lead is linked to its conversation by the hashed sender id; of that
    conversation's leads of the same type, the one stored nearest in time to
    the submission is the run's.
    """
    submitted = [run for run in runs if run.submitted_at is not None]
    hashes = {run.sender_id: conversation_hash(run.sender_id) for run in submitted}
    leads = connection.execute(
        "SELECT sender_hash, lead_type, extract(epoch FROM created_at)::float8 AS created_at,"
        " status FROM leads WHERE sender_hash = ANY (%s)",
        (list(hashes.values()),),
    ).fetchall()
    for run in submitted:
        candidates = [
            lead
            for lead in leads
            if lead["sender_hash"] == hashes[run.sender_id] and lead["lead_type"] == run.lead_type
        ]
        nearest = min(
            candidates, key=lambda lead: abs(lead["created_at"] - run.submitted_at), default=None
        )
        run.delivered = nearest is not None and nearest["status"] == "delivered"


def form_runs(connection: Connection, period: Period) -> list[FormRun]:
    """Every lead form started in the period, with how far the diver got."""
    rows = connection.execute(
        _FORM_EVENTS, {**period.bounds(), "forms": list(FORM_LEAD_TYPES)}
    ).fetchall()
    runs = [
        run
        for sender_id, events in groupby(rows, key=lambda row: row["sender_id"])
        for run in _runs_of_conversation(sender_id, events)
        if period.contains(run.started_at)
    ]
    _mark_delivered(connection, runs)
    return runs


def _funnel(runs: Iterable[FormRun]) -> dict[str, Any]:
    """Counts per step, and how many were lost before each step."""
    counts = Counter({step: 0 for step in FUNNEL_STEPS})
    for run in runs:
        counts.update(run.steps())
    lost = {step: counts[before] - counts[step] for before, step in pairwise(FUNNEL_STEPS)}
    return {**counts, "drop_off": lost}


def _funnels_by(runs: list[FormRun], attribute: str) -> dict[str, Any]:
    groups: dict[str, list[FormRun]] = defaultdict(list)
    for run in runs:
        groups[getattr(run, attribute) or UNKNOWN].append(run)
    return {key: _funnel(groups[key]) for key in sorted(groups)}


def _most_first(counter: Counter[str]) -> dict[str, int]:
    return dict(sorted(counter.items(), key=lambda item: (-item[1], item[0])))


def lead_funnel(connection: Connection, period: Period) -> dict[str, Any]:
    """The lead funnel by type, destination and channel, and where divers stop."""
    runs = form_runs(connection, period)
    stopped = [run for run in runs if run.submitted_at is None]
    by_type: dict[str, Counter[str]] = defaultdict(Counter)
    for run in stopped:
        by_type[run.lead_type][run.last_field or UNKNOWN] += 1
    return {
        "steps": list(FUNNEL_STEPS),
        "total": _funnel(runs),
        "by_type": _funnels_by(runs, "lead_type"),
        "by_destination": _funnels_by(runs, "destination"),
        "by_channel": _funnels_by(runs, "channel"),
        "abandoned_at": _most_first(Counter(run.last_field or UNKNOWN for run in stopped)),
        "abandoned_at_by_type": {kind: _most_first(by_type[kind]) for kind in sorted(by_type)},
    }


def build_report(connection: Connection, period: Period, threshold: float) -> dict[str, Any]:
    """Every section of the insights report, as JSON-ready data."""
    return {
        "period": period.as_json(),
        "confidence_threshold": threshold,
        "activity": activity(connection, period),
        "nlu": nlu_quality(connection, period, threshold),
        "safety": safety_replies(connection, period),
        "leads": lead_funnel(connection, period),
        "knowledge_gaps": knowledge_gaps(connection, period, redactor_for(connection)),
        # Staleness is about today, not the period: a fact ages whether or not divers ask.
        "stale_facts": [asdict(fact) for fact in stale_facts(load_documents(), date.today())],
    }


# --------------------------------------------------------------------------- #
# The HTML page
# --------------------------------------------------------------------------- #

_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>DovvyBuddy insights</title>
<style>
body {{ font-family: system-ui, sans-serif; margin: 2rem auto; max-width: 60rem; color: #123; }}
table {{ border-collapse: collapse; margin: 1rem 0; }}
th, td {{ border: 1px solid #ccd; padding: .25rem .6rem; text-align: left; }}
td.n {{ text-align: right; }}
img {{ max-width: 100%; }}
</style>
</head>
<body>
<h1>DovvyBuddy insights</h1>
<p>{period}. Low confidence: the best intent scored below {threshold}.</p>
{sections}
</body>
</html>
"""


def _png(figure: Figure, alt: str) -> str:
    """The figure as an inline PNG image, drawn by matplotlib's Agg backend."""
    buffer = io.BytesIO()
    FigureCanvasAgg(figure).print_png(buffer)
    encoded = base64.b64encode(buffer.getvalue()).decode("ascii")
    return f'<img alt="{escape(alt)}" src="data:image/png;base64,{encoded}">'


def _bar_chart(
    labels: list[str], series: dict[str, list[float]], title: str, stacked: bool = False
) -> str:
    """Vertical bars, one colour per series: side by side, or stacked ("" without data)."""
    if not labels or not series:
        return ""
    figure = Figure(figsize=(8, 3.2), layout="constrained")
    axes = figure.subplots()
    width = 0.8 if stacked else 0.8 / max(len(series), 1)
    bottom = [0.0] * len(labels)
    for index, (name, values) in enumerate(series.items()):
        offset = 0.0 if stacked else (index - (len(series) - 1) / 2) * width
        positions = [position + offset for position in range(len(labels))]
        axes.bar(positions, values, width, bottom=bottom if stacked else None, label=name)
        if stacked:
            bottom = [low + value for low, value in zip(bottom, values, strict=True)]
    axes.set_xticks(range(len(labels)), labels, rotation=30, ha="right")
    axes.set_title(title)
    axes.legend()
    return _png(figure, title)


def _horizontal_bars(counts: dict[str, int], title: str) -> str:
    """One horizontal bar per label, the first on top ("" without data)."""
    if not counts:
        return ""
    figure = Figure(figsize=(8, 0.6 + 0.3 * len(counts)), layout="constrained")
    axes = figure.subplots()
    labels = list(counts)[::-1]
    axes.barh(labels, [counts[label] for label in labels])
    axes.set_title(title)
    return _png(figure, title)


def _line_chart(labels: list[str], series: dict[str, list[float]], title: str) -> str:
    """Rates (0 to 1) over the labels, one line per series ("" without data)."""
    if not labels:
        return ""
    figure = Figure(figsize=(8, 3.2), layout="constrained")
    axes = figure.subplots()
    for name, values in series.items():
        axes.plot(labels, values, marker="o", label=name)
    highest = max((value for values in series.values() for value in values), default=0.0)
    axes.set_ylim(0, min(1.0, max(highest * 1.25, 0.05)))
    axes.set_title(title)
    axes.legend()
    axes.tick_params(axis="x", labelrotation=30)
    return _png(figure, title)


def _table(headers: list[str], rows: Iterable[Iterable[Any]]) -> str:
    """An HTML table with every cell escaped; numbers right-aligned."""
    head = "".join(f"<th>{escape(header)}</th>" for header in headers)
    body = "".join(
        "<tr>"
        + "".join(
            f'<td class="n">{cell}</td>'
            if isinstance(cell, int | float)
            else f"<td>{escape(str(cell))}</td>"
            for cell in row
        )
        + "</tr>"
        for row in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _section(anchor: str, title: str, *parts: str) -> str:
    content = "\n".join(part for part in parts if part) or "<p>Nothing in this period.</p>"
    return f'<section id="{anchor}">\n<h2>{escape(title)}</h2>\n{content}\n</section>'


def _activity_section(data: dict[str, Any]) -> str:
    rows = data["by_day"]
    days = sorted({row["day"] for row in rows})
    channels = sorted(data["by_channel"])
    turns = {(row["day"], row["channel"]): row["user_turns"] for row in rows}
    chart = _bar_chart(
        days,
        {channel: [turns.get((day, channel), 0) for day in days] for channel in channels},
        "User turns per day, by channel",
        stacked=True,
    )
    table = _table(
        ["day", "channel", "conversations", "user turns"],
        [(row["day"], row["channel"], row["conversations"], row["user_turns"]) for row in rows]
        + [
            ("all days", channel, counts["conversations"], counts["user_turns"])
            for channel, counts in data["by_channel"].items()
        ],
    )
    return _section("activity", "Conversations and user turns", chart, table)


def _nlu_section(data: dict[str, Any]) -> str:
    days = data["by_day"]
    intents_chart = _horizontal_bars(data["intents"], "Intents of messages outside forms")
    rates_chart = _line_chart(
        [row["day"] for row in days],
        {
            "nlu_fallback rate": [row["nlu_fallback_rate"] for row in days],
            "low-confidence rate": [row["low_confidence_rate"] for row in days],
        },
        "Fallback and low-confidence rates per day",
    )
    columns = ["messages", "form_answers", "nlu_fallback", "nlu_fallback_rate"]
    columns += ["low_confidence", "low_confidence_rate"]
    return _section(
        "nlu",
        "Intents and understanding",
        intents_chart,
        _table(["intent", "messages"], data["intents"].items()),
        rates_chart,
        _table(
            ["day", *columns],
            [[row["day"], *(row[c] for c in columns)] for row in days]
            + [["all days", *(data["total"][c] for c in columns)]],
        ),
    )


def _safety_section(data: dict[str, Any]) -> str:
    labelled = {SAFETY_LABELS[category]: count for category, count in data["total"].items()}
    return _section(
        "safety",
        "Safety replies",
        _horizontal_bars(labelled, "Safety replies by category"),
        _table(["category", "replies"], labelled.items()),
        _table(
            ["day", "channel", "category", "replies"],
            [
                (row["day"], row["channel"], SAFETY_LABELS[row["category"]], row["replies"])
                for row in data["by_day"]
            ],
        ),
    )


def _funnel_table(segment: str, funnels: dict[str, Any]) -> str:
    headers = [segment, *FUNNEL_STEPS, *(f"lost before {step}" for step in FUNNEL_STEPS[1:])]
    return _table(
        headers,
        [
            (key, *(f[step] for step in FUNNEL_STEPS), *f["drop_off"].values())
            for key, f in funnels.items()
        ],
    )


def _leads_section(data: dict[str, Any]) -> str:
    by_type = data["by_type"]
    chart = _bar_chart(
        list(FUNNEL_STEPS),
        {kind: [funnel[step] for step in FUNNEL_STEPS] for kind, funnel in by_type.items()},
        "Lead funnel by type",
    )
    return _section(
        "leads",
        "Lead funnel",
        chart,
        _funnel_table("lead type", {"all": data["total"], **by_type}),
        _funnel_table("destination", data["by_destination"]),
        _funnel_table("channel", data["by_channel"]),
        "<h3>Where divers stop (the last field asked)</h3>",
        _table(
            ["lead type", "field", "divers"],
            [
                (kind, field, count)
                for kind, fields in data["abandoned_at_by_type"].items()
                for field, count in fields.items()
            ],
        ),
    )


def _gaps_section(data: dict[str, Any]) -> str:
    return _section(
        "knowledge-gaps",
        "Questions without an answer in the knowledge base",
        _table(["reply", "questions"], data["by_reply"].items()),
        _table(
            ["question (redacted)", "reply", "times asked"],
            [(q["question"], q["reply"], q["count"]) for q in data["questions"]],
        ),
    )


def _stale_facts_section(facts: list[dict[str, Any]]) -> str:
    return _section(
        "stale-facts",
        f"Facts not verified for over {MAX_AGE_MONTHS} months",
        _table(
            ["document", "fact", "last verified", "months ago"],
            [(f["path"], f["field"], f["verified"], f["months_old"]) for f in facts],
        ),
    )


def render_html(report: dict[str, Any]) -> str:
    """The report as one HTML page: a chart and a table per section, all text escaped."""
    since, until = report["period"]["since"] or "the start", report["period"]["until"] or "today"
    return _PAGE.format(
        period=escape(f"From {since} to {until}, UTC"),
        threshold=escape(str(report["confidence_threshold"])),
        sections="\n".join(
            [
                _activity_section(report["activity"]),
                _nlu_section(report["nlu"]),
                _safety_section(report["safety"]),
                _leads_section(report["leads"]),
                _gaps_section(report["knowledge_gaps"]),
                _stale_facts_section(report["stale_facts"]),
            ]
        ),
    )


def write_outputs(report: dict[str, Any], out_dir: Path) -> tuple[Path, Path]:
    """Write insights.json and insights.html into `out_dir`; return their paths."""
    out_dir.mkdir(parents=True, exist_ok=True)
    json_path, html_path = out_dir / "insights.json", out_dir / "insights.html"
    write_report(json_path, report)
    html_path.write_text(render_html(report), encoding="utf-8")
    return json_path, html_path


def main(argv: list[str] | None = None) -> int:
    """Build the report for the period asked; returns the exit status."""
    parser = argparse.ArgumentParser(
        prog="python -m dovvybuddy.analytics.insights",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--since", type=date.fromisoformat, help="first day, YYYY-MM-DD (UTC)")
    parser.add_argument("--until", type=date.fromisoformat, help="last day, YYYY-MM-DD (UTC)")
    parser.add_argument("--out-dir", type=Path, default=PROJECT_ROOT / "reports")
    args = parser.parse_args(argv)
    if args.since and args.until and args.since > args.until:
        parser.error("--since is after --until")

    with (
        running_database(load_settings(), migrate_managed_database=False) as url,
        psycopg.connect(url, autocommit=True, row_factory=dict_row) as connection,
    ):
        if not tracker_store_exists(connection):
            print(NO_TRACKER_STORE, file=sys.stderr)
            return 1
        report = build_report(connection, Period(args.since, args.until), fallback_threshold())
    json_path, html_path = write_outputs(report, args.out_dir)
    print(f"Wrote {json_path} and {html_path}.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
