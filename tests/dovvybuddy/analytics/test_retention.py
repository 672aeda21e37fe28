"""Retention: old conversations leave the tracker store, old leads leave after their own limit."""

from __future__ import annotations

import os
import re
import time
from datetime import UTC, datetime, timedelta

import psycopg
import pytest

from dovvybuddy.analytics import retention
from dovvybuddy.analytics.retention import (
    SECONDS_PER_DAY,
    delete_conversations_if_expired,
    delete_old_conversations,
    delete_old_leads,
)
from dovvybuddy.database.migrations import apply_migrations
from tests.dovvybuddy.lead_rows import insert_lead
from tests.dovvybuddy.tracker_rows import RASA_EVENTS_TABLE

NOW = 1_900_000_000.0
DAY = SECONDS_PER_DAY


@pytest.fixture
def tracker_store(database_url):
    """An empty tracker store (Rasa's `events` table) in a test database."""
    with psycopg.connect(database_url) as conn:
        conn.execute(RASA_EVENTS_TABLE)
    return database_url


def add_conversation(database_url, sender_id, *timestamps):
    """Store one event per timestamp for `sender_id`, as Rasa does for a turn."""
    with psycopg.connect(database_url) as conn:
        for timestamp in timestamps:
            conn.execute(
                "INSERT INTO events (sender_id, type_name, timestamp, intent_name, data)"
                " VALUES (%s, 'user', %s, 'greet', '{\"text\": \"hi\"}')",
                (sender_id, timestamp),
            )


def events_by_sender(database_url):
    with psycopg.connect(database_url) as conn:
        rows = conn.execute("SELECT sender_id, count(*) FROM events GROUP BY sender_id")
        return dict(rows.fetchall())


def test_a_conversation_last_active_before_the_limit_is_deleted(tracker_store):
    add_conversation(tracker_store, "old-diver", NOW - 200 * DAY, NOW - 190 * DAY)
    add_conversation(tracker_store, "recent-diver", NOW - 2 * DAY)

    with psycopg.connect(tracker_store, autocommit=True) as conn:
        result = delete_old_conversations(conn, 180, now=NOW)

    assert (result.conversations, result.events) == (1, 2)
    assert events_by_sender(tracker_store) == {"recent-diver": 1}


def test_a_conversation_that_started_long_ago_but_is_still_active_is_kept(tracker_store):
    add_conversation(tracker_store, "returning-diver", NOW - 400 * DAY, NOW - 181 * DAY, NOW - DAY)

    with psycopg.connect(tracker_store, autocommit=True) as conn:
        result = delete_old_conversations(conn, 180, now=NOW)

    assert (result.conversations, result.events) == (0, 0)
    assert events_by_sender(tracker_store) == {"returning-diver": 3}


def test_a_dry_run_counts_what_would_go_and_deletes_nothing(tracker_store):
    add_conversation(tracker_store, "old-diver", NOW - 200 * DAY, NOW - 190 * DAY)
    add_conversation(tracker_store, "older-diver", NOW - 300 * DAY)
    add_conversation(tracker_store, "recent-diver", NOW - 2 * DAY)

    with psycopg.connect(tracker_store, autocommit=True) as conn:
        result = delete_old_conversations(conn, 180, dry_run=True, now=NOW)

    assert (result.conversations, result.events, result.dry_run) == (2, 3, True)
    assert events_by_sender(tracker_store) == {"old-diver": 2, "older-diver": 1, "recent-diver": 1}


def test_conversations_are_deleted_in_batches_until_none_is_left(tracker_store):
    for number in range(7):
        add_conversation(tracker_store, f"old-{number}", NOW - 365 * DAY, NOW - 200 * DAY)
    add_conversation(tracker_store, "recent-diver", NOW - DAY)

    with psycopg.connect(tracker_store, autocommit=True) as conn:
        result = delete_old_conversations(conn, 180, batch_size=3, now=NOW)

    assert (result.conversations, result.events) == (7, 14)
    assert events_by_sender(tracker_store) == {"recent-diver": 1}


def test_a_conversation_active_again_since_it_was_selected_is_kept(tracker_store):
    add_conversation(tracker_store, "old-diver", NOW - 200 * DAY)
    add_conversation(tracker_store, "came-back", NOW - 200 * DAY, NOW - 60)
    cutoff = NOW - 180 * DAY

    with psycopg.connect(tracker_store, autocommit=True) as conn:
        deleted = delete_conversations_if_expired(conn, ["old-diver", "came-back"], cutoff)

    assert deleted == (1, 1)
    assert events_by_sender(tracker_store) == {"came-back": 2}


def test_a_database_without_a_tracker_store_yet_has_nothing_to_delete(database_url):
    with psycopg.connect(database_url, autocommit=True) as conn:
        result = delete_old_conversations(conn, 180, now=NOW)

    assert (result.conversations, result.events) == (0, 0)


def test_the_command_prints_the_exact_counts_and_keeps_leads_within_their_own_limit(
    tracker_store, monkeypatch, capsys, tmp_path
):
    monkeypatch.setenv("DATABASE_URL", tracker_store)
    monkeypatch.setenv("DOVVY_VAR_DIR", str(tmp_path))
    apply_migrations(tracker_store)
    # Older than the conversations' 90 days, within the leads' 365.
    lead_id, _ = insert_lead(tracker_store, created_at=datetime.now(UTC) - timedelta(days=200))
    now = time.time()
    add_conversation(tracker_store, "old-diver", now - 400 * DAY, now - 200 * DAY, now - 100 * DAY)
    add_conversation(tracker_store, "older-diver", now - 500 * DAY)
    add_conversation(tracker_store, "recent-diver", now - 10 * DAY)

    assert retention.main(["--days", "90", "--dry-run"]) == 0
    dry_run = capsys.readouterr().out
    assert retention.main(["--days", "90"]) == 0
    real_run = capsys.readouterr().out

    assert re.fullmatch(
        r"Dry run: would delete 2 conversation\(s\) and 4 event\(s\) last active more than"
        r" 90 day\(s\) ago; nothing deleted \(\d+\.\d\d s\)\.\n"
        r"Dry run: would delete 0 lead\(s\) and 0 spooled lead file\(s\) older than"
        r" 365 day\(s\); nothing deleted\.\n",
        dry_run,
    )
    assert re.fullmatch(
        r"Deleted 2 conversation\(s\) and 4 event\(s\) last active more than 90 day\(s\) ago"
        r" in \d+\.\d\d s\.\n"
        r"Deleted 0 lead\(s\) and 0 spooled lead file\(s\) older than 365 day\(s\)\.\n",
        real_run,
    )
    assert events_by_sender(tracker_store) == {"recent-diver": 1}
    with psycopg.connect(tracker_store) as conn:
        assert conn.execute("SELECT id FROM leads").fetchall() == [(lead_id,)]


def spooled_lead(spool_dir, name, days_old):
    spool_dir.mkdir(parents=True, exist_ok=True)
    path = spool_dir / f"{name}.json"
    path.write_text("{}")
    written = time.time() - days_old * DAY
    os.utime(path, (written, written))
    return path


def test_leads_and_spool_files_older_than_their_limit_are_deleted_with_their_outbox(
    database_url, tmp_path
):
    apply_migrations(database_url)
    insert_lead(database_url, created_at=datetime.now(UTC) - timedelta(days=400))
    kept_id, _ = insert_lead(
        database_url,
        email="kept@example.com",
        created_at=datetime.now(UTC) - timedelta(days=30),
    )
    spool = tmp_path / "lead_spool"
    old_file = spooled_lead(spool, "old", 400)
    new_file = spooled_lead(spool, "new", 1)

    with psycopg.connect(database_url, autocommit=True) as conn:
        counted = delete_old_leads(conn, spool, 365, dry_run=True)
        assert (counted.leads, counted.spool_files) == (1, 1)
        assert old_file.exists()
        result = delete_old_leads(conn, spool, 365)
        assert (result.leads, result.spool_files, result.dry_run) == (1, 1, False)
        assert conn.execute("SELECT id FROM leads").fetchall() == [(kept_id,)]
        outbox = conn.execute("SELECT lead_id FROM lead_outbox").fetchall()
        assert outbox == [(kept_id,)]
    assert not old_file.exists()
    assert new_file.exists()


def test_lead_retention_before_any_migration_deletes_nothing(database_url, tmp_path):
    with psycopg.connect(database_url, autocommit=True) as conn:
        result = delete_old_leads(conn, tmp_path / "no-spool", 365)
    assert (result.leads, result.spool_files) == (0, 0)


@pytest.mark.parametrize("days", ["0", "-5", "soon"])
def test_the_command_refuses_a_limit_that_is_not_a_positive_number_of_days(days, capsys):
    with pytest.raises(SystemExit) as exit_info:
        retention.main(["--days", days])

    assert exit_info.value.code == 2
    assert "--days" in capsys.readouterr().err
