"""Delete old conversations and old leads: `python -m dovvybuddy.analytics.retention`.

    python -m dovvybuddy.analytics.retention [--days N] [--lead-days N] [--dry-run] [--batch-size N]

A conversation (all the `events` rows of one `sender_id`) is deleted when its
*last* event is older than N days, so a diver who is still talking keeps the
whole conversation, however long ago it started. The messages, slots and
form answers in those events go with it; a diver who comes back afterwards
starts a new conversation.

Leads have their own, longer limit (DOVVY_LEAD_RETENTION_DAYS, default 365,
or `--lead-days`): a lead created before it is deleted with its outbox rows,
whatever its state, and so is a lead still spooled on disk (var/lead_spool)
because the database was down, judged by the file's age.

Conversations are deleted in batches, each in its own transaction, so locks
are held briefly while Rasa keeps writing, and an interruption keeps the
batches already done. Each batch checks the age again when it deletes, so a
conversation that received a message since it was selected is kept.

It uses DATABASE_URL, or starts the embedded database when that is unset, and
prints a one-line summary.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg

from dovvybuddy.common.arguments import positive_int
from dovvybuddy.common.settings import Settings, load_settings
from dovvybuddy.database.server import running_database

DEFAULT_BATCH_SIZE = 500
SECONDS_PER_DAY = 86_400

# Rasa's SQLTrackerStore stores `timestamp` as seconds since the epoch (a float).
_EXPIRED_CONVERSATIONS = """
SELECT sender_id, count(*) AS events
FROM events
GROUP BY sender_id
HAVING max(timestamp) < %(cutoff)s
ORDER BY sender_id
"""

_DELETE_IF_EXPIRED = """
WITH deleted AS (
    DELETE FROM events
    WHERE sender_id IN (
        SELECT sender_id FROM events
        WHERE sender_id = ANY(%(sender_ids)s)
        GROUP BY sender_id
        HAVING max(timestamp) < %(cutoff)s
    )
    RETURNING sender_id
)
SELECT count(DISTINCT sender_id), count(*) FROM deleted
"""


_DELETE_OLD_LEADS = """
DELETE FROM leads WHERE created_at < to_timestamp(%(cutoff)s) RETURNING id
"""
_COUNT_OLD_LEADS = """
SELECT count(*) FROM leads WHERE created_at < to_timestamp(%(cutoff)s)
"""


def deletion_summary(counts: str, age: str, dry_run: bool, seconds: float | None = None) -> str:
    """One line for the operator's log: what a clean-up deleted, or would delete."""
    if dry_run:
        took = "" if seconds is None else f" ({seconds:.2f} s)"
        return f"Dry run: would delete {counts} {age}; nothing deleted{took}."
    took = "" if seconds is None else f" in {seconds:.2f} s"
    return f"Deleted {counts} {age}{took}."


@dataclass(frozen=True)
class LeadRetentionResult:
    """The leads (with their outbox rows) and spool files one clean-up removed."""

    days: int
    leads: int
    spool_files: int
    dry_run: bool

    def summary(self) -> str:
        counts = f"{self.leads} lead(s) and {self.spool_files} spooled lead file(s)"
        return deletion_summary(counts, f"older than {self.days} day(s)", self.dry_run)


def delete_old_leads(
    connection: psycopg.Connection[Any],
    spool_dir: Path,
    days: int,
    *,
    dry_run: bool = False,
    now: float | None = None,
) -> LeadRetentionResult:
    """Delete the leads created, and the spool files written, more than `days` days ago."""
    cutoff = (time.time() if now is None else now) - days * SECONDS_PER_DAY
    table = connection.execute("SELECT to_regclass('leads')").fetchone()
    leads = 0
    if table is not None and table[0] is not None:
        if dry_run:
            row = connection.execute(_COUNT_OLD_LEADS, {"cutoff": cutoff}).fetchone()
            leads = row[0] if row else 0
        else:
            with connection.transaction():
                leads = len(connection.execute(_DELETE_OLD_LEADS, {"cutoff": cutoff}).fetchall())
    old_files = [
        path
        for path in (sorted(spool_dir.glob("*.json")) if spool_dir.is_dir() else [])
        if path.stat().st_mtime < cutoff
    ]
    if not dry_run:
        for path in old_files:
            path.unlink(missing_ok=True)
    return LeadRetentionResult(days, leads, len(old_files), dry_run)


@dataclass(frozen=True)
class RetentionResult:
    """What one clean-up deleted (or, in a dry run, would delete)."""

    days: int
    conversations: int
    events: int
    seconds: float
    dry_run: bool

    def summary(self) -> str:
        """One line for the operator's log."""
        counts = f"{self.conversations} conversation(s) and {self.events} event(s)"
        age = f"last active more than {self.days} day(s) ago"
        return deletion_summary(counts, age, self.dry_run, self.seconds)


def expired_conversations(connection: psycopg.Connection[Any], cutoff: float) -> dict[str, int]:
    """The conversations whose last event is before `cutoff`, with their event counts."""
    table = connection.execute("SELECT to_regclass('events')").fetchone()
    if table is None or table[0] is None:
        # Rasa creates the table on its first start; before that nothing is stored.
        return {}
    return dict(connection.execute(_EXPIRED_CONVERSATIONS, {"cutoff": cutoff}).fetchall())


def delete_conversations_if_expired(
    connection: psycopg.Connection[Any], sender_ids: Sequence[str], cutoff: float
) -> tuple[int, int]:
    """Delete those of `sender_ids` whose last event is before `cutoff`, in one transaction.

    Returns the conversations and events deleted.
    """
    with connection.transaction():
        row = connection.execute(
            _DELETE_IF_EXPIRED, {"sender_ids": list(sender_ids), "cutoff": cutoff}
        ).fetchone()
    assert row is not None  # an aggregate always returns one row
    return row[0], row[1]


def delete_old_conversations(
    connection: psycopg.Connection[Any],
    days: int,
    *,
    dry_run: bool = False,
    batch_size: int = DEFAULT_BATCH_SIZE,
    now: float | None = None,
) -> RetentionResult:
    """Delete every conversation whose last event is more than `days` days before `now`."""
    started = time.monotonic()
    cutoff = (time.time() if now is None else now) - days * SECONDS_PER_DAY
    expired = expired_conversations(connection, cutoff)
    conversations = events = 0
    if dry_run:
        conversations, events = len(expired), sum(expired.values())
    else:
        sender_ids = list(expired)
        for start in range(0, len(sender_ids), batch_size):
            batch = sender_ids[start : start + batch_size]
            deleted_conversations, deleted_events = delete_conversations_if_expired(
                connection, batch, cutoff
            )
            conversations += deleted_conversations
            events += deleted_events
    return RetentionResult(
        days=days,
        conversations=conversations,
        events=events,
        seconds=time.monotonic() - started,
        dry_run=dry_run,
    )


def clean_up(
    settings: Settings, days: int, lead_days: int, *, dry_run: bool, batch_size: int
) -> tuple[RetentionResult, LeadRetentionResult]:
    """Delete the old conversations, then the old leads, in the configured database."""
    with (
        running_database(settings, migrate_managed_database=False) as url,
        psycopg.connect(url, autocommit=True) as connection,
    ):
        result = delete_old_conversations(connection, days, dry_run=dry_run, batch_size=batch_size)
        leads = delete_old_leads(connection, settings.lead_spool_dir, lead_days, dry_run=dry_run)
    return result, leads


def main(argv: list[str] | None = None) -> int:
    """Run one clean-up and print its summary; returns the exit status."""
    settings = load_settings()
    parser = argparse.ArgumentParser(
        prog="python -m dovvybuddy.analytics.retention",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--days",
        type=positive_int,
        default=settings.retention_days,
        help="delete conversations whose last event is older than this (default %(default)s)",
    )
    parser.add_argument(
        "--lead-days",
        type=positive_int,
        default=settings.lead_retention_days,
        help="delete leads created more than this many days ago (default %(default)s)",
    )
    parser.add_argument(
        "--dry-run", action="store_true", help="count what would be deleted; delete nothing"
    )
    parser.add_argument(
        "--batch-size",
        type=positive_int,
        default=DEFAULT_BATCH_SIZE,
        help="conversations deleted per transaction (default %(default)s)",
    )
    args = parser.parse_args(argv)

    result, leads = clean_up(
        settings, args.days, args.lead_days, dry_run=args.dry_run, batch_size=args.batch_size
    )
    print(result.summary(), flush=True)
    print(leads.summary(), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
