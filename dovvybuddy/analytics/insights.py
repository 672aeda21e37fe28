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
- the lead funnel (form started, consent given, submitted, delivered,
  contacted) by type, destination and channel, the fields where divers stop,
  and the median time to contact per partner;
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
import sys
from collections import Counter
from dataclasses import asdict
from datetime import date
from pathlib import Path
from typing import Any

import psycopg
from psycopg.rows import dict_row

from dovvybuddy.analytics.insights_page import SAFETY_LABELS, render_html
from dovvybuddy.analytics.lead_funnel import lead_funnel
from dovvybuddy.analytics.tracker_queries import (
    NO_TRACKER_STORE,
    USER_TURNS,
    Connection,
    Period,
    fallback_threshold,
    normalised,
    tracker_store_exists,
)
from dovvybuddy.common.redaction import Redactor
from dovvybuddy.common.reports import write_report
from dovvybuddy.common.settings import PROJECT_ROOT, load_settings
from dovvybuddy.database.server import running_database
from dovvybuddy.knowledge.documents import load_documents
from dovvybuddy.knowledge.freshness import stale_facts
from dovvybuddy.knowledge.vocabulary import SAFETY_RESPONSES
from dovvybuddy.leads.given_names import redactor_for

# How each safety reply shows in the tracker (actions/safety.py): emergency
# guidance is free text from its own action, the others are responses.
SAFETY_SIGNALS = {
    "action_emergency_guidance": "emergency",
    **{response: category for category, response in SAFETY_RESPONSES.items()},
}
# What action_answer_question (actions/answer_question.py) replies when the
# knowledge base has nothing for a question; Rasa records the response name
# in the bot event's metadata as `utter_action`.
KNOWLEDGE_GAP_REPLIES = {
    "utter_no_knowledge": "no_knowledge",
    "utter_did_not_understand": "not_understood",
    "utter_destination_not_covered": "destination_not_covered",
}


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
