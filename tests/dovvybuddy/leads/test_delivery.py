"""Lead delivery against a real SMTP server, a local webhook receiver and PostgreSQL."""

from __future__ import annotations

import asyncio
import dataclasses
import hashlib
import hmac
import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from datetime import UTC, datetime

import psycopg
import pytest

from dovvybuddy.common.settings import PROJECT_ROOT
from dovvybuddy.database.migrations import apply_migrations
from dovvybuddy.leads.messages import DELIVERY_HEADER, SIGNATURE_HEADER
from dovvybuddy.leads.worker import LeadDeliveryWorker, backoff_seconds
from tests.dovvybuddy.conftest import EMAIL_PARTNER, WEBHOOK_SECRET
from tests.dovvybuddy.lead_rows import insert_lead, lead_status, outbox_row, set_outbox


def add_diver_copy(database_url, lead_id):
    """The diver's copy of a lead, as the lead store writes it beside the partner's row."""
    with psycopg.connect(database_url) as conn:
        return conn.execute(
            "INSERT INTO lead_outbox (lead_id, partner_id, transport, recipient)"
            " SELECT id, partner_id, 'email', 'diver_copy' FROM leads WHERE id = %s RETURNING id",
            (lead_id,),
        ).fetchone()[0]


def worker(settings, database_url, *partners):
    """A worker that knows the test partners (the email one always)."""
    return LeadDeliveryWorker(settings, database_url, partners=[EMAIL_PARTNER, *partners])


async def wait_until(condition, timeout=10.0):
    """Let the event loop run until `condition()` is true."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out waiting"
        await asyncio.sleep(0.02)


async def test_email_lead_is_delivered_once_with_everything_the_shop_needs(
    leads_database, smtp_inbox, delivery_settings
):
    lead_id, outbox_id = insert_lead(leads_database)

    async with worker(delivery_settings, leads_database) as lead_worker:
        first = await lead_worker.drain()
        second = await lead_worker.drain()

    assert first == Counter(delivered=1)
    assert second == Counter()
    assert smtp_inbox.recipients == [["shop@example.com"]]
    message = smtp_inbox.messages[0]
    assert message["Subject"] == "New training lead: Jane Diver (Tioman)"
    assert message["From"] == "DovvyBuddy <leads@dovvybuddy.example>"
    assert message["Reply-To"] == "Jane Diver <jane.diver@example.com>"
    assert message["Message-ID"] == f"<lead-{lead_id}.{outbox_id}@dovvybuddy.example>"
    assert message[DELIVERY_HEADER] == str(outbox_id)
    body = message.get_content()
    for expected in (
        "Name:         Jane Diver",
        "Email:        jane.diver@example.com (not verified)",
        "DovvyBuddy has not verified them.",
        "Phone:        +60123456789",
        "Lead type:    training",
        "Destination:  Tioman",
        "  Course: open_water",
        "  Dates: 2027-05-01/2027-05-10",
        "  Group size: 2",
        "  Message: We would like morning sessions.",
        "  Certification level: discover_scuba",
        "  Logged dives: 0",
        "Channel:      rest",
        "Received:     20",
        f"Lead id:      {lead_id}",
    ):
        assert expected in body
    row = outbox_row(leads_database, outbox_id)
    assert (row["status"], row["attempts"], row["last_error"]) == ("delivered", 1, None)
    assert row["delivered_at"] is not None
    assert lead_status(leads_database, lead_id) == "delivered"


async def test_smtp_down_leaves_the_lead_pending_until_the_server_is_back(
    leads_database, smtp_inbox, delivery_settings
):
    smtp_inbox.stop()
    settings = dataclasses.replace(
        delivery_settings, lead_retry_base_seconds=1.0, lead_retry_max_seconds=60.0
    )
    lead_id, outbox_id = insert_lead(leads_database)

    async with worker(settings, leads_database) as lead_worker:
        assert await lead_worker.drain() == Counter(retry=1)
        row = outbox_row(leads_database, outbox_id)
        assert (row["status"], row["attempts"], row["last_error"]) == (
            "pending",
            1,
            "SMTPConnectError",
        )
        assert 0.3 < row["due_in"] <= 1.0  # 1 s base, jittered down to no less than half
        assert lead_status(leads_database, lead_id) == "new"

        smtp_inbox.start()
        assert await lead_worker.drain() == Counter(), "not due yet: the backoff is respected"
        await asyncio.sleep(row["due_in"] + 0.05)
        assert await lead_worker.drain() == Counter(delivered=1)

    assert len(smtp_inbox.messages) == 1
    assert outbox_row(leads_database, outbox_id)["status"] == "delivered"
    assert lead_status(leads_database, lead_id) == "delivered"


async def test_webhook_error_is_retried_and_every_request_is_signed(
    leads_database, delivery_settings, webhook_receiver, webhook_partner
):
    webhook_receiver.statuses = [500]
    lead_id, outbox_id = insert_lead(
        leads_database, partner_id=webhook_partner.partner_id, transport="webhook"
    )

    async with worker(delivery_settings, leads_database, webhook_partner) as lead_worker:
        assert await lead_worker.drain() == Counter(retry=1)
        row = outbox_row(leads_database, outbox_id)
        assert (row["status"], row["attempts"], row["last_error"]) == ("pending", 1, "HTTP 500")
        await asyncio.sleep(0.06)
        assert await lead_worker.drain() == Counter(delivered=1)

    assert len(webhook_receiver.requests) == 2
    for attempt, request in enumerate(webhook_receiver.requests, start=1):
        expected = hmac.new(WEBHOOK_SECRET.encode(), request.body, hashlib.sha256).hexdigest()
        assert hmac.compare_digest(request.headers[SIGNATURE_HEADER], f"sha256={expected}")
        assert request.headers[DELIVERY_HEADER] == str(outbox_id)
        assert request.headers["Content-Type"] == "application/json"
        payload = json.loads(request.body)
        assert payload["attempt"] == attempt
        assert payload["delivery_id"] == outbox_id
        assert payload["partner_id"] == "test-webhook-divers"
        assert payload["lead"]["id"] == str(lead_id)
        assert payload["lead"]["email"] == "jane.diver@example.com"
        assert payload["lead"]["details"]["course"] == "open_water"
        assert payload["lead"]["diver_profile"] == {
            "certification_level": "discover_scuba",
            "logged_dives": 0,
        }
    tampered = webhook_receiver.requests[0].body.replace(b"Jane", b"John")
    forged = hmac.new(WEBHOOK_SECRET.encode(), tampered, hashlib.sha256).hexdigest()
    assert webhook_receiver.requests[0].headers[SIGNATURE_HEADER] != f"sha256={forged}"
    assert outbox_row(leads_database, outbox_id)["status"] == "delivered"


async def test_webhook_timeout_is_retried(
    leads_database, delivery_settings, webhook_receiver, webhook_partner
):
    webhook_receiver.delay_seconds = 1.0
    settings = dataclasses.replace(delivery_settings, lead_delivery_timeout_seconds=0.3)
    _, outbox_id = insert_lead(
        leads_database, partner_id=webhook_partner.partner_id, transport="webhook"
    )

    async with worker(settings, leads_database, webhook_partner) as lead_worker:
        started = time.monotonic()
        assert await lead_worker.drain() == Counter(retry=1)
        assert time.monotonic() - started < 0.9

    row = outbox_row(leads_database, outbox_id)
    assert (row["status"], row["attempts"], row["last_error"]) == ("pending", 1, "timed out")


async def test_lead_is_failed_after_the_maximum_attempts(
    leads_database, delivery_settings, webhook_receiver, webhook_partner, smtp_inbox
):
    webhook_receiver.statuses = [503] * 10
    settings = dataclasses.replace(delivery_settings, lead_max_attempts=3)
    lead_id, outbox_id = insert_lead(
        leads_database, partner_id=webhook_partner.partner_id, transport="webhook"
    )

    outcomes: Counter[str] = Counter()
    async with worker(settings, leads_database, webhook_partner) as lead_worker:
        for _ in range(5):
            outcomes += await lead_worker.drain()
            await asyncio.sleep(0.06)

    # Then the diver's honest notice and the operations alert are delivered.
    assert outcomes == Counter(retry=2, failed=1, delivered=2)
    assert len(webhook_receiver.requests) == 3
    row = outbox_row(leads_database, outbox_id)
    assert (row["status"], row["attempts"], row["last_error"]) == ("failed", 3, "HTTP 503")
    assert lead_status(leads_database, lead_id) == "failed"
    notice, alert = sorted(smtp_inbox.messages, key=lambda m: m["To"])
    assert notice["To"] == "Jane Diver <jane.diver@example.com>"
    assert notice["Subject"] == "Your enquiry to Test Webhook Divers could not be delivered"
    notice_body = notice.get_payload(decode=True).decode()
    assert "Our team has received your" in notice_body
    assert "/leads/withdraw?token=" in notice_body  # the diver can still withdraw
    assert alert["To"] == "team@dovvybuddy.example"
    assert alert["Subject"] == "Lead delivery failed: Test Webhook Divers (Jane Diver)"
    alert_body = alert.get_payload(decode=True).decode()
    assert "jane.diver@example.com" in alert_body and "+60123456789" in alert_body


async def test_the_diver_gets_a_copy_naming_the_centre_and_how_to_withdraw(
    leads_database, smtp_inbox, delivery_settings
):
    lead_id, _ = insert_lead(leads_database)
    add_diver_copy(leads_database, lead_id)

    async with worker(delivery_settings, leads_database) as lead_worker:
        assert await lead_worker.drain() == Counter(delivered=2)

    by_recipient = {message["To"]: message for message in smtp_inbox.messages}
    assert set(by_recipient) == {"shop@example.com", "Jane Diver <jane.diver@example.com>"}
    copy = by_recipient["Jane Diver <jane.diver@example.com>"]
    assert copy["Subject"] == "Your enquiry to Test Email Divers (copy)"
    # Replies (a withdrawal) reach the team, not the partner.
    assert copy["Reply-To"] == "team@dovvybuddy.example"
    body = copy.get_payload(decode=True).decode()
    assert "sent your training enquiry to Test Email Divers" in body
    assert "Open water" in body or "open_water" in body
    assert "To withdraw this enquiry" in body
    # The diver's copy does not decide the lead's status; the partner's delivery does.
    assert lead_status(leads_database, lead_id) == "delivered"


async def test_a_failed_copy_to_the_diver_does_not_fail_the_lead_or_alert_anyone(
    leads_database, smtp_inbox, delivery_settings
):
    settings = dataclasses.replace(delivery_settings, lead_max_attempts=1)
    lead_id, _ = insert_lead(leads_database)
    copy_id = add_diver_copy(leads_database, lead_id)
    smtp_inbox.refuse_recipients = {"jane.diver@example.com"}

    async with worker(settings, leads_database) as lead_worker:
        outcomes = await lead_worker.drain()
        outcomes += await lead_worker.drain()

    assert outcomes == Counter(delivered=1, failed=1)
    assert outbox_row(leads_database, copy_id)["status"] == "failed"
    assert lead_status(leads_database, lead_id) == "delivered"
    assert [message["To"] for message in smtp_inbox.messages] == ["shop@example.com"]


async def test_webhook_is_not_sent_unsigned(
    leads_database, delivery_settings, webhook_receiver, webhook_partner
):
    settings = dataclasses.replace(delivery_settings, webhook_secret=None)
    _, outbox_id = insert_lead(
        leads_database, partner_id=webhook_partner.partner_id, transport="webhook"
    )

    async with worker(settings, leads_database, webhook_partner) as lead_worker:
        assert await lead_worker.drain() == Counter(retry=1)

    assert webhook_receiver.requests == []
    assert outbox_row(leads_database, outbox_id)["last_error"] == "DOVVY_WEBHOOK_SECRET is not set"


async def test_leads_stored_while_no_worker_ran_are_delivered_by_the_next_one(
    leads_database, smtp_inbox, delivery_settings
):
    # The forms committed leads and outbox rows, then the process died before any send.
    stored = [insert_lead(leads_database, name=f"Diver {n}") for n in range(3)]

    async with worker(delivery_settings, leads_database) as lead_worker:
        assert await lead_worker.drain() == Counter(delivered=3)

    assert sorted(m["Subject"] for m in smtp_inbox.messages) == [
        f"New training lead: Diver {n} (Tioman)" for n in range(3)
    ]
    assert all(outbox_row(leads_database, o)["status"] == "delivered" for _, o in stored)


async def test_a_send_cut_off_by_a_crash_is_sent_again_with_the_same_message_id(
    leads_database, smtp_inbox, delivery_settings
):
    settings = dataclasses.replace(
        delivery_settings, lead_claim_seconds=1.0, lead_delivery_timeout_seconds=0.5
    )
    _, outbox_id = insert_lead(leads_database)
    smtp_inbox.delays = [0.2]

    crashing = worker(settings, leads_database)
    send = asyncio.create_task(crashing.drain())
    await wait_until(smtp_inbox.data_started.is_set)
    send.cancel()  # the worker dies after handing the message over, before recording it
    with pytest.raises(asyncio.CancelledError):
        await send
    await crashing.close()
    await wait_until(lambda: len(smtp_inbox.messages) == 1)

    async with worker(settings, leads_database) as next_worker:
        assert await next_worker.drain() == Counter(), "the claim is still held"
        await asyncio.sleep(outbox_row(leads_database, outbox_id)["due_in"] + 0.05)
        assert await next_worker.drain() == Counter(delivered=1)

    first, second = smtp_inbox.messages
    assert first["Message-ID"] == second["Message-ID"]
    assert first[DELIVERY_HEADER] == second[DELIVERY_HEADER] == str(outbox_id)
    row = outbox_row(leads_database, outbox_id)
    assert (row["status"], row["attempts"]) == ("delivered", 2)


def drop_worker_connections(database_url):
    """What a database restart does to the workers: their connections break."""
    with psycopg.connect(database_url, autocommit=True) as admin:
        admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )


async def test_an_outcome_that_cannot_be_recorded_is_recorded_when_the_database_is_back(
    leads_database, smtp_inbox, delivery_settings
):
    lead_id, outbox_id = insert_lead(leads_database)
    smtp_inbox.delays = [0.2]

    async with worker(delivery_settings, leads_database) as lead_worker:
        send = asyncio.create_task(lead_worker.drain())
        await wait_until(smtp_inbox.data_started.is_set)
        drop_worker_connections(leads_database)  # while the email is being sent
        with pytest.raises(psycopg.OperationalError):
            await send
        assert outbox_row(leads_database, outbox_id)["status"] == "pending"

        assert await lead_worker.drain() == Counter(delivered=1)

    assert len(smtp_inbox.messages) == 1, "recorded, not sent again"
    assert outbox_row(leads_database, outbox_id)["status"] == "delivered"
    assert lead_status(leads_database, lead_id) == "delivered"


async def test_a_late_failure_does_not_overwrite_a_newer_attempt(
    leads_database, smtp_inbox, delivery_settings
):
    _, outbox_id = insert_lead(leads_database)
    smtp_inbox.delays = [0.2]
    smtp_inbox.refusals = ["451 4.3.0 try again later"]

    async with worker(delivery_settings, leads_database) as late:
        send = asyncio.create_task(late.drain())
        await wait_until(smtp_inbox.data_started.is_set)
        drop_worker_connections(leads_database)
        with pytest.raises(psycopg.OperationalError):
            await send
        # Its claim runs out before it can record the failure; another worker delivers.
        set_outbox(leads_database, outbox_id, next_attempt_at=datetime.now(UTC))
        async with worker(delivery_settings, leads_database) as other:
            assert await other.drain() == Counter(delivered=1)

        assert await late.drain() == Counter(superseded=1)

    row = outbox_row(leads_database, outbox_id)
    assert (row["status"], row["attempts"], row["last_error"]) == ("delivered", 2, None)


async def test_two_workers_never_deliver_the_same_row(
    leads_database, smtp_inbox, delivery_settings
):
    stored = [insert_lead(leads_database, name=f"Diver {n}") for n in range(30)]
    smtp_inbox.delays = [0.01] * 30  # keeps sends in flight so the workers overlap
    settings = dataclasses.replace(delivery_settings, lead_batch_size=4)

    async with worker(settings, leads_database) as one, worker(settings, leads_database) as two:
        first, second = await asyncio.gather(one.drain(), two.drain())

    assert first["delivered"] + second["delivered"] == 30
    assert first["delivered"] > 0 and second["delivered"] > 0
    delivery_ids = Counter(message[DELIVERY_HEADER] for message in smtp_inbox.messages)
    assert delivery_ids == Counter({str(outbox_id): 1 for _, outbox_id in stored})
    assert {outbox_row(leads_database, o)["attempts"] for _, o in stored} == {1}


async def test_a_row_locked_by_another_transaction_is_skipped_not_waited_for(
    leads_database, smtp_inbox, delivery_settings
):
    _, locked_id = insert_lead(leads_database, name="Locked Diver")
    _, free_id = insert_lead(leads_database, name="Free Diver")

    with psycopg.connect(leads_database) as other_worker:
        other_worker.execute("SELECT 1 FROM lead_outbox WHERE id = %s FOR UPDATE", (locked_id,))
        async with worker(delivery_settings, leads_database) as lead_worker:
            outcomes = await asyncio.wait_for(lead_worker.drain(), timeout=5)
        other_worker.rollback()

    assert outcomes == Counter(delivered=1)
    assert outbox_row(leads_database, free_id)["status"] == "delivered"
    locked = outbox_row(leads_database, locked_id)
    assert (locked["status"], locked["attempts"]) == ("pending", 0)


async def test_worker_survives_an_unreachable_database_and_delivers_once_it_is_back(
    postgres_server, database_url, smtp_inbox, delivery_settings, caplog
):
    caplog.set_level("INFO", logger="dovvybuddy.leads.delivery")
    late_url = database_url.replace("?", "_late?", 1)
    late_name = late_url.split("?")[0].rsplit("/", 1)[1]
    stop = asyncio.Event()

    async with worker(delivery_settings, late_url) as lead_worker:
        running = asyncio.create_task(lead_worker.run_forever(stop))
        await asyncio.sleep(0.3)
        assert not running.done()
        with psycopg.connect(postgres_server.database_url, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{late_name}"')
            admin.execute(f'CREATE DATABASE "{late_name}"')
        apply_migrations(late_url)
        lead_id, _ = insert_lead(late_url)
        await wait_until(lambda: len(smtp_inbox.messages) == 1)
        stop.set()
        await asyncio.wait_for(running, timeout=5)

    assert lead_status(late_url, lead_id) == "delivered"
    events = [json.loads(message)["event"] for message in caplog.messages]
    assert events.count("lead_delivery_database_unavailable") == 1
    assert "lead_delivery_database_available" in events


async def test_logs_and_stored_errors_carry_no_personal_data(
    leads_database, smtp_inbox, delivery_settings, webhook_receiver, webhook_partner, caplog
):
    caplog.set_level("INFO", logger="dovvybuddy.leads.delivery")
    webhook_receiver.statuses = [500]
    personal = ("Jane Diver", "jane.diver@example.com", "+60123456789", "morning sessions")
    insert_lead(leads_database)
    _, webhook_outbox = insert_lead(
        leads_database, partner_id=webhook_partner.partner_id, transport="webhook"
    )

    async with worker(delivery_settings, leads_database, webhook_partner) as lead_worker:
        assert await lead_worker.drain() == Counter(delivered=1, retry=1)

    assert len(caplog.records) == 2
    for record in caplog.records:
        line = json.loads(record.getMessage())
        assert line["event"] == "lead_delivery"
        assert {"outbox_id", "lead_id", "partner_id", "transport", "attempt", "outcome"} <= set(
            line
        )
        assert not any(value in record.getMessage() for value in personal)
    assert not any(v in outbox_row(leads_database, webhook_outbox)["last_error"] for v in personal)


async def test_cancelled_lead_is_not_sent(leads_database, smtp_inbox, delivery_settings):
    lead_id, outbox_id = insert_lead(leads_database, status="cancelled")

    async with worker(delivery_settings, leads_database) as lead_worker:
        assert await lead_worker.drain() == Counter(failed=1)

    assert smtp_inbox.messages == []
    row = outbox_row(leads_database, outbox_id)
    assert (row["status"], row["last_error"]) == ("failed", "lead cancelled")
    assert lead_status(leads_database, lead_id) == "cancelled"


async def test_lead_for_a_partner_no_longer_listed_goes_to_the_team_inbox(
    leads_database, smtp_inbox, delivery_settings
):
    insert_lead(leads_database, partner_id="closed-divers")

    async with worker(delivery_settings, leads_database) as lead_worker:
        assert await lead_worker.drain() == Counter(delivered=1)

    assert smtp_inbox.recipients == [["team@dovvybuddy.example"]]


def test_claim_must_outlast_a_send(delivery_settings):
    settings = dataclasses.replace(delivery_settings, lead_claim_seconds=5)
    with pytest.raises(ValueError, match="DOVVY_LEAD_CLAIM_SECONDS"):
        LeadDeliveryWorker(
            dataclasses.replace(settings, lead_delivery_timeout_seconds=10), "postgresql://x"
        )


@pytest.mark.parametrize(
    ("attempt", "low", "high"),
    [(1, 2.5, 5), (2, 5, 10), (4, 20, 40), (8, 320, 640), (9, 450, 900), (30, 450, 900)],
)
def test_backoff_doubles_from_the_base_up_to_the_cap_with_jitter(attempt, low, high):
    waits = [backoff_seconds(attempt, base=5, cap=900) for _ in range(200)]
    assert all(low <= wait <= high for wait in waits)
    assert len(set(waits)) > 1


def _command_environment(database_url: str | None, smtp_port: int) -> dict[str, str]:
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("DOVVY_") and key != "DATABASE_URL"
    }
    environment.update({"DOVVY_SMTP_PORT": str(smtp_port), "DOVVY_LEAD_POLL_SECONDS": "0.1"})
    if database_url:
        environment["DATABASE_URL"] = database_url
    return environment


def test_command_once_delivers_with_the_partners_in_knowledge(leads_database, smtp_inbox):
    insert_lead(leads_database, partner_id="tioman-demo-divers")

    finished = subprocess.run(
        [sys.executable, "-m", "dovvybuddy.leads.delivery", "--once"],
        cwd=PROJECT_ROOT,
        env=_command_environment(leads_database, smtp_inbox.port),
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert finished.returncode == 0, finished.stderr
    assert smtp_inbox.recipients == [["leads+tioman@example.com"]]
    assert '"event": "lead_delivery_drained", "delivered": 1' in finished.stderr
    assert "jane.diver@example.com" not in finished.stderr


def test_command_runs_until_sigterm(leads_database, smtp_inbox):
    worker_process = subprocess.Popen(
        [sys.executable, "-m", "dovvybuddy.leads.delivery"],
        cwd=PROJECT_ROOT,
        env=_command_environment(leads_database, smtp_inbox.port),
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        insert_lead(leads_database, partner_id="default")
        deadline = time.monotonic() + 30
        while not smtp_inbox.messages and time.monotonic() < deadline:
            time.sleep(0.05)
        assert worker_process.poll() is None
        worker_process.send_signal(signal.SIGTERM)
        assert worker_process.wait(timeout=10) == 0
    finally:
        if worker_process.poll() is None:
            worker_process.kill()
    assert smtp_inbox.recipients == [["leads@dovvybuddy.example"]]
    assert '"event": "lead_delivery_stopped", "delivered": 1' in worker_process.stderr.read()


def test_command_refuses_to_start_without_database_url():
    finished = subprocess.run(
        [sys.executable, "-m", "dovvybuddy.leads.delivery", "--once"],
        cwd=PROJECT_ROOT,
        env=_command_environment(None, 1025),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert finished.returncode == 2
    assert "DATABASE_URL is not set" in finished.stderr
