"""Misunderstood messages, ready to label as training data: `python -m dovvybuddy.analytics.review`.

    --since YYYY-MM-DD   only messages from this day on (UTC)
    --limit N            at most N examples, the most frequent first
    --threshold X        best-intent confidence below which a message is
                         uncertain (default: the FallbackClassifier's, config.yml)
    --all                export again what earlier runs exported

A diver's message is exported when it became `nlu_fallback`, when its best
intent scored below the threshold, or when the diver rephrased it: their
next message in the same conversation came within two minutes and either
repeats most of its words (token Jaccard similarity 0.5 or more) or answers
a "sorry, I didn't understand". Answers typed into a lead form's fields and
/commands are left out.

Texts are redacted (`dovvybuddy.common.redaction`) and deduplicated (case, spacing
and end punctuation ignored), then written to var/review/review-<time>.yml as
Rasa NLU training data: one entry per suggested intent (TODO_assign_intent
when the model had none that the domain knows), each example with the
model's top three intents as a comment above it. Check each example, move it
under its right intent (or delete it), then add the file to data/nlu/.
What is exported is recorded in review_exports, so the next run exports only
what is new.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import sys
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import psycopg
import yaml
from psycopg.rows import dict_row

from dovvybuddy.analytics.tracker_queries import (
    FALLBACK_INTENT,
    NO_TRACKER_STORE,
    USER_TURNS,
    Connection,
    Period,
    fallback_threshold,
    normalised,
    tracker_store_exists,
)
from dovvybuddy.common.arguments import positive_int
from dovvybuddy.common.redaction import Redactor
from dovvybuddy.common.settings import PROJECT_ROOT, load_settings
from dovvybuddy.database.server import running_database
from dovvybuddy.leads.given_names import redactor_for

REPHRASE_WINDOW_SECONDS = 120.0
REPHRASE_MIN_SIMILARITY = 0.5
# Replies that tell the diver they were not understood (actions/answer_question.py
# and Rasa's default fallback).
NOT_UNDERSTOOD_REPLIES = frozenset({"utter_did_not_understand", "utter_default"})
TODO_INTENT = "TODO_assign_intent"
SUGGESTIONS = 3

_CANDIDATES = (
    USER_TURNS
    + """
SELECT id, text, intent, best_confidence, ranking, responses, next_text,
       next_timestamp - timestamp AS next_after
FROM user_turns
WHERE active_form IS NULL AND btrim(text) <> '' AND left(btrim(text), 1) <> '/'
  AND (intent = %(fallback)s OR best_confidence < %(threshold)s
       OR next_timestamp - timestamp <= %(window)s)
ORDER BY id
"""
)


@dataclass
class ReviewItem:
    """One distinct (redacted) message to label, with what the model suggested."""

    text: str
    event_id: int
    suggestions: list[tuple[str, float]]
    reasons: set[str] = field(default_factory=set)
    count: int = 1

    @property
    def text_hash(self) -> str:
        """What review_exports records: the same for the same words, however typed."""
        return hashlib.sha256(normalised(self.text).encode()).hexdigest()


def tokens(text: str) -> set[str]:
    """The words of a text, case folded."""
    return set(re.findall(r"\w+", text.casefold()))


def jaccard(first: str, second: str) -> float:
    """Shared words over all words of the two texts (0 when both are empty)."""
    a, b = tokens(first), tokens(second)
    return len(a & b) / len(a | b) if a | b else 0.0


def was_rephrased(turn: dict[str, Any]) -> bool:
    """Whether the diver's next message soon after says the same again.

    Either in similar words, or after being told they were not understood.
    """
    if turn["next_text"] is None or turn["next_after"] > REPHRASE_WINDOW_SECONDS:
        return False
    if NOT_UNDERSTOOD_REPLIES.intersection(filter(None, turn["responses"])):
        return True
    return jaccard(turn["text"], turn["next_text"]) >= REPHRASE_MIN_SIMILARITY


def review_reasons(turn: dict[str, Any], threshold: float) -> set[str]:
    """Why a message needs a person: nlu_fallback, low_confidence, rephrased."""
    reasons = set()
    if turn["intent"] == FALLBACK_INTENT:
        reasons.add("nlu_fallback")
    if turn["best_confidence"] < threshold:
        reasons.add("low_confidence")
    if was_rephrased(turn):
        reasons.add("rephrased")
    return reasons


def suggestions(ranking: list[dict[str, Any]]) -> list[tuple[str, float]]:
    """The model's best intents for a message, best first, without nlu_fallback."""
    ranked = [
        (entry["name"], float(entry["confidence"]))
        for entry in ranking
        if entry.get("name") and entry["name"] != FALLBACK_INTENT
    ]
    return sorted(ranked, key=lambda item: -item[1])[:SUGGESTIONS]


def example_text(text: str, redactor: Redactor) -> str:
    """The message as a training example: redacted, on one line, printable only."""
    printable = "".join(c if c.isprintable() else " " for c in redactor.redact(text))
    return " ".join(printable.split())


def collect(
    connection: Connection, period: Period, threshold: float, redactor: Redactor
) -> list[ReviewItem]:
    """The messages to review, redacted and deduplicated, most frequent first."""
    turns = connection.execute(
        _CANDIDATES,
        {
            **period.bounds(),
            "threshold": threshold,
            "fallback": FALLBACK_INTENT,
            "window": REPHRASE_WINDOW_SECONDS,
        },
    ).fetchall()
    items: dict[str, ReviewItem] = {}
    for turn in turns:
        reasons = review_reasons(turn, threshold)
        text = example_text(turn["text"], redactor)
        if not reasons or not text:
            continue
        key = normalised(text)
        item = items.get(key)
        if item is None:
            items[key] = ReviewItem(text, turn["id"], suggestions(turn["ranking"]), reasons)
        else:
            item.count += 1
            item.reasons |= reasons
    return sorted(items.values(), key=lambda item: (-item.count, item.event_id))


def not_yet_exported(connection: Connection, items: list[ReviewItem]) -> list[ReviewItem]:
    """The items no earlier run exported."""
    exported = {
        row["text_hash"]
        for row in connection.execute(
            "SELECT text_hash FROM review_exports WHERE text_hash = ANY (%s)",
            ([item.text_hash for item in items],),
        )
    }
    return [item for item in items if item.text_hash not in exported]


def domain_intents(domain_path: Path = PROJECT_ROOT / "domain.yml") -> set[str]:
    """The intents the domain declares (an example may only be labelled with one)."""
    intents = yaml.safe_load(domain_path.read_text(encoding="utf-8"))["intents"]
    return {name if isinstance(name, str) else next(iter(name)) for name in intents}


def _intent_for(item: ReviewItem, known: set[str]) -> str:
    best = item.suggestions[0][0] if item.suggestions else None
    return best if best in known else TODO_INTENT


def _comment(item: ReviewItem) -> str:
    suggested = ", ".join(f"{name} {confidence:.2f}" for name, confidence in item.suggestions)
    reasons = ", ".join(sorted(item.reasons))
    return f"# {reasons}; seen {item.count}x; suggestions: {suggested or 'none'}"


def render_nlu_yaml(items: list[ReviewItem], known: set[str], exported_at: datetime) -> str:
    """Rasa NLU training data, one entry per suggested intent, for a person to check.

    Examples are `- text:` items rather than an `examples: |` block so that
    each can have a real YAML comment (inside a block, a # line would be text).
    """
    groups: dict[str, list[ReviewItem]] = {}
    for item in items:
        groups.setdefault(_intent_for(item, known), []).append(item)
    lines = [
        f"# Messages DovvyBuddy did not understand, exported {exported_at:%Y-%m-%d %H:%M} UTC.",
        "# Check each example: move it under its right intent or delete it, replace",
        f"# {TODO_INTENT}, then add the entries to data/nlu/ and retrain.",
        'version: "3.1"',
        "nlu:",
    ]
    for intent in sorted(groups, key=lambda name: (name == TODO_INTENT, name)):
        lines += [f"- intent: {intent}", "  examples:"]
        for item in groups[intent]:
            # A JSON string of printable text is a valid YAML double-quoted scalar.
            text = json.dumps(item.text, ensure_ascii=False)
            lines += [f"    {_comment(item)}", f"    - text: {text}"]
    return "\n".join(lines) + "\n"


def export(
    connection: Connection,
    out_dir: Path,
    period: Period,
    threshold: float,
    limit: int | None = None,
    everything: bool = False,
) -> Path | None:
    """Write the review file and record what it holds; None when nothing is new."""
    items = collect(connection, period, threshold, redactor_for(connection))
    if not everything:
        items = not_yet_exported(connection, items)
    items = items[:limit]
    if not items:
        return None
    now = datetime.now(UTC)
    path = out_dir / f"review-{now:%Y%m%dT%H%M%S.%fZ}.yml"
    # Recorded and written together: a file that could not be written is not recorded.
    with connection.transaction():
        connection.cursor().executemany(
            "INSERT INTO review_exports (text_hash, event_id, file) VALUES (%s, %s, %s)"
            " ON CONFLICT (text_hash) DO UPDATE SET event_id = excluded.event_id,"
            " exported_at = now(), file = excluded.file",
            [(item.text_hash, item.event_id, str(path)) for item in items],
        )
        out_dir.mkdir(parents=True, exist_ok=True)
        path.write_text(render_nlu_yaml(items, domain_intents(), now), encoding="utf-8")
    return path


def main(argv: list[str] | None = None) -> int:
    """Export what is new for review; returns the exit status."""
    parser = argparse.ArgumentParser(
        prog="python -m dovvybuddy.analytics.review",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--since", type=date.fromisoformat, help="first day, YYYY-MM-DD (UTC)")
    parser.add_argument("--limit", type=positive_int, help="at most this many examples")
    parser.add_argument("--threshold", type=float, help="low-confidence threshold, 0 to 1")
    parser.add_argument("--all", action="store_true", help="export earlier exports again")
    args = parser.parse_args(argv)
    if args.threshold is not None and not 0 < args.threshold <= 1:
        parser.error("--threshold must be more than 0 and at most 1")

    settings = load_settings()
    with (
        running_database(settings, migrate_managed_database=False) as url,
        psycopg.connect(url, autocommit=True, row_factory=dict_row) as connection,
    ):
        if not tracker_store_exists(connection):
            print(NO_TRACKER_STORE, file=sys.stderr)
            return 1
        path = export(
            connection,
            settings.var_dir / "review",
            Period(since=args.since),
            args.threshold or fallback_threshold(),
            args.limit,
            args.all,
        )
    print(f"Wrote {path} for review." if path else "Nothing new to review.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
