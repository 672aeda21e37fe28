"""The operator's lead commands: list, show, export, redeliver."""

from __future__ import annotations

import csv
import stat
from collections import Counter
from datetime import UTC, datetime, timedelta

import psycopg
import pytest

from dovvybuddy.leads import cli as leads_cli
from dovvybuddy.leads.cli import EXPORT_COLUMNS, mask_email
from dovvybuddy.leads.worker import LeadDeliveryWorker
from tests.dovvybuddy.conftest import EMAIL_PARTNER
from tests.dovvybuddy.lead_rows import insert_lead, lead_status, outbox_row, set_outbox


@pytest.fixture
def cli_database(leads_database, monkeypatch):
    """The migrated test database, as DATABASE_URL for the commands."""
    monkeypatch.setenv("DATABASE_URL", leads_database)
    return leads_database


def run(capsys, *argv):
    """Run one command; return its exit status, stdout and stderr."""
    status = leads_cli.main(list(argv))
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def fail_delivery(database_url, lead_id, outbox_id):
    """Leave the lead as the worker does after its last failed attempt."""
    set_outbox(database_url, outbox_id, status="failed", attempts=8, last_error="HTTP 500")
    with psycopg.connect(database_url) as conn:
        conn.execute("UPDATE leads SET status = 'failed' WHERE id = %s", (lead_id,))


@pytest.mark.parametrize(
    ("address", "masked"),
    [
        ("jane.diver@example.com", "j***@example.com"),
        ("a@b.org", "a***@b.org"),
        ("not-an-address", "***"),
        ("@example.com", "***"),
    ],
)
def test_mask_email(address, masked):
    assert mask_email(address) == masked


def test_list_shows_recent_leads_newest_first_with_emails_masked(cli_database, capsys):
    now = datetime.now(UTC)
    old_id, _ = insert_lead(cli_database, email="old@example.com", created_at=now - timedelta(1))
    new_id, new_outbox = insert_lead(cli_database, email="jane.diver@example.com")
    fail_delivery(cli_database, new_id, new_outbox)

    status, out, _ = run(capsys, "list")

    assert status == 0
    assert "jane.diver@example.com" not in out and "old@example.com" not in out
    header, newest, oldest = out.splitlines()
    assert header.split()[:2] == ["created", "(UTC)"]
    assert str(new_id) in newest and "j***@example.com" in newest
    assert newest.split()[-4:] == ["failed", "failed", "8", "-"]
    assert str(old_id) in oldest and "o***@example.com" in oldest
    assert oldest.split()[-4:] == ["new", "pending", "0", "-"]

    _, limited, _ = run(capsys, "list", "--limit", "1")
    assert len(limited.splitlines()) == 2 and str(new_id) in limited


def test_list_shows_when_the_partner_confirmed_contact(cli_database, capsys):
    lead_id, _ = insert_lead(cli_database, status="delivered")
    with psycopg.connect(cli_database) as conn:
        conn.execute(
            "UPDATE leads SET status = 'contacted',"
            " contacted_at = '2026-12-07 09:30+00' WHERE id = %s",
            (lead_id,),
        )

    row = run(capsys, "list")[1].splitlines()[1]

    assert row.split()[-5:] == ["contacted", "pending", "0", "2026-12-07", "09:30"]


def test_list_without_leads_says_so(cli_database, capsys):
    assert run(capsys, "list")[1].splitlines()[-1] == "No leads yet."


def test_show_prints_one_lead_in_full(cli_database, capsys):
    lead_id, outbox_id = insert_lead(cli_database)

    status, out, _ = run(capsys, "show", str(lead_id))

    assert status == 0
    for expected in (
        "jane.diver@example.com",
        "+60123456789",
        '"course": "open_water"',
        '"logged_dives": 0',
        f"delivery {outbox_id}: email to test-email-divers, pending, 0 attempt(s)",
    ):
        assert expected in out
    assert run(capsys, "show", "00000000-0000-0000-0000-000000000000")[0] == 1


def test_export_writes_every_lead_in_full_to_a_private_file(cli_database, capsys, tmp_path):
    stored = [insert_lead(cli_database, email=f"diver{n}@example.com") for n in range(3)]
    insert_lead(cli_database, name='=HYPERLINK("http://evil.example")')
    out_file = tmp_path / "leads.csv"

    status, out, _ = run(capsys, "export", "--out", str(out_file))

    assert status == 0
    assert out.strip() == f"Wrote 4 lead(s) to {out_file}."
    assert stat.S_IMODE(out_file.stat().st_mode) == 0o600
    with out_file.open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert tuple(rows[0]) == EXPORT_COLUMNS
    assert [row["id"] for row in rows[:3]] == [str(lead_id) for lead_id, _ in stored]
    assert [row["email"] for row in rows[:3]] == [f"diver{n}@example.com" for n in range(3)]
    first = rows[0]
    assert (first["phone"], first["lead_type"], first["delivery_status"]) == (
        "'+60123456789",
        "training",
        "pending",
    )
    assert '"course": "open_water"' in first["details"]
    assert rows[3]["name"] == '\'=HYPERLINK("http://evil.example")'


async def test_redeliver_resets_a_failed_delivery_and_the_worker_sends_it(
    cli_database, capsys, smtp_inbox, delivery_settings
):
    lead_id, outbox_id = insert_lead(cli_database)
    fail_delivery(cli_database, lead_id, outbox_id)

    status, out, _ = run(capsys, "redeliver", str(lead_id))

    assert status == 0 and "will be delivered again" in out
    row = outbox_row(cli_database, outbox_id)
    assert (row["status"], row["attempts"], row["last_error"]) == ("pending", 0, None)
    assert row["due_in"] <= 0
    assert lead_status(cli_database, lead_id) == "new"
    async with LeadDeliveryWorker(delivery_settings, cli_database, [EMAIL_PARTNER]) as worker:
        assert await worker.drain() == Counter(delivered=1)
    assert len(smtp_inbox.messages) == 1


def test_redeliver_refuses_a_lead_without_a_failed_delivery(cli_database, capsys):
    lead_id, outbox_id = insert_lead(cli_database)

    status, _, err = run(capsys, "redeliver", str(lead_id))

    assert status == 1 and "has no failed delivery" in err
    assert outbox_row(cli_database, outbox_id)["status"] == "pending"


def test_without_database_url_the_embedded_database_is_used(monkeypatch, tmp_path, capsys):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("DOVVY_VAR_DIR", str(tmp_path))

    status, out, err = run(capsys, "list")

    assert status == 0
    assert out.splitlines() == [
        "created (UTC)  lead id  type  email  partner  lead  delivery  tries  contacted (UTC)",
        "No leads yet.",
    ]
    assert "Database ready" in err
