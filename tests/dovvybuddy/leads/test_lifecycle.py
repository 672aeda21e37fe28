"""After delivery: the partner's "contacted" and the diver's withdrawal, against PostgreSQL,
the SMTP inbox and the webhook receiver."""

from __future__ import annotations

import json
from collections import Counter

import psycopg
from psycopg.rows import dict_row

from dovvybuddy.leads.lifecycle import Outcome, mark_contacted, withdraw
from dovvybuddy.leads.links import CONTACTED, WITHDRAW, read_token
from dovvybuddy.leads.worker import LeadDeliveryWorker
from tests.dovvybuddy.conftest import EMAIL_PARTNER, LINK_SECRET
from tests.dovvybuddy.lead_rows import insert_lead, outbox_row, set_outbox


def lead_row(database_url, lead_id):
    with psycopg.connect(database_url, row_factory=dict_row) as conn:
        return conn.execute("SELECT * FROM leads WHERE id = %s", (lead_id,)).fetchone()


def outbox_rows(database_url, lead_id):
    with psycopg.connect(database_url, row_factory=dict_row) as conn:
        return conn.execute(
            "SELECT recipient, transport, status, last_error FROM lead_outbox"
            " WHERE lead_id = %s ORDER BY id",
            (lead_id,),
        ).fetchall()


def token_in(text, purpose):
    """The token of the `purpose` link in a message."""
    start = text.index(f"/leads/{purpose}?token=") + len(f"/leads/{purpose}?token=")
    return text[start:].split()[0].split('"')[0]


def test_contacted_is_recorded_once_with_its_time(leads_database):
    lead_id, _ = insert_lead(leads_database, status="delivered")
    with psycopg.connect(leads_database, autocommit=True) as conn:
        first = mark_contacted(conn, lead_id)
        second = mark_contacted(conn, lead_id)

    row = lead_row(leads_database, lead_id)
    assert first.outcome is Outcome.DONE and first.at == row["contacted_at"]
    assert (row["status"], second.outcome, second.at) == ("contacted", Outcome.ALREADY, first.at)


def test_a_withdrawal_forgets_the_diver_and_tells_a_partner_who_has_the_lead(leads_database):
    lead_id, outbox_id = insert_lead(leads_database, status="delivered")
    set_outbox(leads_database, outbox_id, status="delivered", attempts=1)
    with psycopg.connect(leads_database, autocommit=True) as conn:
        first = withdraw(conn, lead_id)
        second = withdraw(conn, lead_id)
        contacted_after = mark_contacted(conn, lead_id)

    row = lead_row(leads_database, lead_id)
    assert (first.outcome, first.partner_notified) == (Outcome.DONE, True)
    assert (second.outcome, second.at) == (Outcome.ALREADY, row["withdrawn_at"])
    assert contacted_after.outcome is Outcome.WITHDRAWN
    assert row["status"] == "withdrawn" and row["contacted_at"] is None
    assert (row["name"], row["email"], row["phone"], row["details"], row["diver_profile"]) == (
        "",
        "",
        None,
        {},
        {},
    )
    assert [(r["recipient"], r["status"]) for r in outbox_rows(leads_database, lead_id)] == [
        ("partner", "delivered"),
        ("partner_withdrawal", "pending"),
    ]


def test_a_lead_withdrawn_before_delivery_is_never_sent(leads_database):
    lead_id, outbox_id = insert_lead(leads_database)
    with psycopg.connect(leads_database, autocommit=True) as conn:
        result = withdraw(conn, lead_id)

    assert (result.outcome, result.partner_notified) == (Outcome.DONE, False)
    assert outbox_row(leads_database, outbox_id)["status"] == "failed"
    assert outbox_row(leads_database, outbox_id)["last_error"] == "withdrawn by the diver"


def test_links_to_a_lead_that_retention_deleted_find_nothing(leads_database):
    lead_id, _ = insert_lead(leads_database)
    with psycopg.connect(leads_database, autocommit=True) as conn:
        conn.execute("DELETE FROM leads WHERE id = %s", (lead_id,))
        assert mark_contacted(conn, lead_id).outcome is Outcome.NO_LEAD
        assert withdraw(conn, lead_id).outcome is Outcome.NO_LEAD


async def test_the_partner_email_carries_the_contacted_link_and_the_diver_copy_the_withdrawal(
    leads_database, smtp_inbox, delivery_settings
):
    lead_id, _ = insert_lead(leads_database)
    with psycopg.connect(leads_database, autocommit=True) as conn:
        conn.execute(
            "INSERT INTO lead_outbox (lead_id, partner_id, transport, recipient)"
            " VALUES (%s, 'test-email-divers', 'email', 'diver_copy')",
            (lead_id,),
        )
    async with LeadDeliveryWorker(delivery_settings, leads_database, [EMAIL_PARTNER]) as worker:
        assert await worker.drain() == Counter(delivered=2)

    partner, copy = sorted(smtp_inbox.messages, key=lambda m: m["To"] != "shop@example.com")
    partner_text, copy_text = partner.get_content(), copy.get_content()
    contacted = read_token(LINK_SECRET, CONTACTED, token_in(partner_text, "contacted"))
    withdrawal = read_token(LINK_SECRET, WITHDRAW, token_in(copy_text, "withdraw"))
    assert contacted.lead_id == withdrawal.lead_id == lead_id
    assert "/leads/withdraw" not in partner_text and "/leads/contacted" not in copy_text
    assert "reply to this email" not in copy_text


async def test_a_withdrawal_reaches_a_webhook_partner_signed_and_without_personal_data(
    leads_database, smtp_inbox, webhook_receiver, webhook_partner, delivery_settings
):
    lead_id, _ = insert_lead(
        leads_database, partner_id=webhook_partner.partner_id, transport="webhook"
    )
    async with LeadDeliveryWorker(delivery_settings, leads_database, [webhook_partner]) as worker:
        assert await worker.drain() == Counter(delivered=1)
        lead = json.loads(webhook_receiver.requests[0].body)
        assert read_token(LINK_SECRET, CONTACTED, lead["links"]["contacted"].split("=")[1])
        with psycopg.connect(leads_database, autocommit=True) as conn:
            assert withdraw(conn, lead_id).partner_notified
        assert await worker.drain() == Counter(delivered=1)

    notice = webhook_receiver.requests[1]
    body = json.loads(notice.body)
    assert body["event"] == "lead_withdrawn" and body["lead"]["id"] == str(lead_id)
    assert b"Jane" not in notice.body and b"jane.diver@example.com" not in notice.body
    assert notice.headers["X-DovvyBuddy-Signature"].startswith("sha256=")
    assert smtp_inbox.messages == []


async def test_a_withdrawal_reaches_an_email_partner_by_email(
    leads_database, smtp_inbox, delivery_settings
):
    lead_id, outbox_id = insert_lead(leads_database, status="delivered")
    set_outbox(leads_database, outbox_id, status="delivered", attempts=1)
    with psycopg.connect(leads_database, autocommit=True) as conn:
        withdraw(conn, lead_id)
    async with LeadDeliveryWorker(delivery_settings, leads_database, [EMAIL_PARTNER]) as worker:
        assert await worker.drain() == Counter(delivered=1)

    [notice] = smtp_inbox.messages
    assert notice["To"] == "shop@example.com"
    assert notice["Subject"] == f"Withdrawn by the diver: lead {lead_id}"
    assert "delete the details" in notice.get_content()
    assert "Jane" not in str(notice)
