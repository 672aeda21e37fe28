"""Leads are stored with their delivery, deduplicated, and never lost."""

import asyncio

import psycopg
import pytest
from psycopg_pool import AsyncConnectionPool

from dovvybuddy.database.migrations import apply_migrations
from dovvybuddy.leads.partners import partner_for
from dovvybuddy.leads.store import LeadLimits, LeadRecord, LeadStore

LIMITS = LeadLimits(per_conversation=3, per_email=3, per_client=10)


def record(
    email="ana@example.com",
    lead_type="training",
    name="Ana",
    sender_id="conversation-1",
    client_hash=None,
    **details,
):
    return LeadRecord(
        lead_type=lead_type,
        name=name,
        email=email,
        phone="+60123456789",
        details={"destination": "tioman", "course_of_interest": "open_water", **details},
        diver_profile={"certification_level": "discover_scuba"},
        partner=partner_for("tioman"),
        channel="rest",
        sender_id=sender_id,
        client_hash=client_hash,
    )


@pytest.fixture
async def store(database_url, tmp_path):
    apply_migrations(database_url)
    lead_store = LeadStore(
        AsyncConnectionPool(database_url, open=False), tmp_path / "spool", LIMITS
    )
    yield lead_store
    await lead_store.close()


def rows(database_url, sql):
    with psycopg.connect(database_url) as conn:
        return conn.execute(sql).fetchall()


async def test_a_lead_and_its_pending_delivery_are_stored_together(store, database_url):
    lead_id = await store.save(record())

    leads = rows(
        database_url,
        "SELECT id::text, lead_type, name, partner_id, sender_hash, "
        "details->>'destination' FROM leads",
    )
    outbox = rows(
        database_url,
        "SELECT lead_id::text, transport, status, recipient FROM lead_outbox ORDER BY id",
    )
    assert leads == [
        (
            lead_id,
            "training",
            "Ana",
            partner_for("tioman").partner_id,
            record().sender_hash,
            "tioman",
        )
    ]
    # The partner's lead, and the diver's own copy by email.
    assert outbox == [
        (lead_id, partner_for("tioman").transport, "pending", "partner"),
        (lead_id, "email", "pending", "diver_copy"),
    ]
    assert "conversation-1" not in record().sender_hash


async def test_the_same_email_and_type_soon_after_updates_the_lead(store, database_url):
    first = await store.save(record(name="Ana"))
    second = await store.save(record(email="ANA@example.com", name="Ana Lim"))

    assert first == second
    assert rows(database_url, "SELECT name FROM leads") == [("Ana Lim",)]
    assert sorted(rows(database_url, "SELECT recipient FROM lead_outbox")) == [
        ("diver_copy",),
        ("partner",),
    ]


async def test_asking_again_soon_after_a_withdrawal_is_a_new_lead(store, database_url):
    first = await store.save(record())
    with psycopg.connect(database_url) as conn:
        conn.execute("UPDATE leads SET status = 'withdrawn', name = '', email = ''")
    second = await store.save(record(name="Ana Lim"))

    assert second != first
    assert sorted(rows(database_url, "SELECT name, status FROM leads")) == [
        ("", "withdrawn"),
        ("Ana Lim", "new"),
    ]


async def test_a_different_lead_type_is_a_new_lead(store, database_url):
    await store.save(record())
    await store.save(record(lead_type="trip"))
    assert len(rows(database_url, "SELECT id FROM leads")) == 2


async def test_an_update_after_delivery_is_delivered_again(store, database_url):
    await store.save(record())
    with psycopg.connect(database_url) as conn:
        conn.execute("UPDATE lead_outbox SET status = 'delivered'")
    await store.save(record(name="Ana Lim"))
    assert sorted(rows(database_url, "SELECT recipient, status FROM lead_outbox")) == [
        ("diver_copy", "delivered"),
        ("diver_copy", "pending"),
        ("partner", "delivered"),
        ("partner", "pending"),
    ]


async def test_with_the_database_down_the_lead_is_spooled_then_stored(database_url, tmp_path):
    apply_migrations(database_url)
    unreachable = database_url.replace("host=", "host=/nonexistent")
    down = LeadStore(AsyncConnectionPool(unreachable, open=False, timeout=1), tmp_path / "spool")
    assert await down.save(record()) is None
    assert len(list((tmp_path / "spool").glob("*.json"))) == 1
    await down.close()

    up = LeadStore(AsyncConnectionPool(database_url, open=False), tmp_path / "spool")
    assert await up.flush_spool() == 1
    await up.close()
    assert rows(database_url, "SELECT name, email FROM leads") == [("Ana", "ana@example.com")]
    assert list((tmp_path / "spool").glob("*.json")) == []


async def test_a_spooled_lead_is_stored_in_the_background_once_the_database_is_back(
    store, database_url, monkeypatch
):
    monkeypatch.setattr("dovvybuddy.leads.store.SPOOL_RETRY_FIRST_SECONDS", 0.05)
    insert = store._insert
    outage = {"failures_left": 2}  # the save, then the first background retry

    async def insert_during_outage(lead, **options):
        if outage["failures_left"]:
            outage["failures_left"] -= 1
            raise psycopg.OperationalError("the database is restarting")
        return await insert(lead, **options)

    monkeypatch.setattr(store, "_insert", insert_during_outage)
    assert await store.save(record()) is None
    for _ in range(100):
        if not list(store.spool_dir.glob("*.json")):
            break
        await asyncio.sleep(0.05)
    assert rows(database_url, "SELECT name FROM leads") == [("Ana",)]
    assert rows(database_url, "SELECT status FROM lead_outbox WHERE recipient = 'partner'") == [
        ("pending",)
    ]
