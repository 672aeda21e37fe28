"""Finding 5: leads cannot be overwritten or flooded."""

import psycopg
import pytest
from rasa_sdk.executor import CollectingDispatcher

import actions.lead_forms as lead_forms
from actions.lead_forms import ActionSubmitLead
from dovvybuddy.leads.store import LeadLimitReached
from tests.actions.test_lead_forms import confirmed_lead_tracker
from tests.dovvybuddy.leads.test_store import LIMITS, record, rows


async def test_a_lead_over_a_cap_is_not_sent_and_the_diver_is_told(
    make_tracker, domain, monkeypatch
):
    class FullStore:
        async def save(self, record):
            raise LeadLimitReached

    monkeypatch.setattr(lead_forms, "default_lead_store", lambda: FullStore())
    dispatcher = CollectingDispatcher()
    events = await ActionSubmitLead().run(dispatcher, confirmed_lead_tracker(make_tracker), domain)
    assert [m["response"] for m in dispatcher.messages] == ["utter_lead_limit_reached"]
    assert {"event": "slot", "timestamp": None, "name": "lead_email", "value": None} in events


async def test_another_conversation_with_the_same_email_cannot_change_the_lead(store, database_url):
    first = await store.save(record(name="Ana"))
    second = await store.save(record(name="Mallory", sender_id="conversation-2"))
    assert first != second
    assert sorted(rows(database_url, "SELECT name FROM leads")) == [("Ana",), ("Mallory",)]


async def test_new_leads_from_one_conversation_are_capped_per_hour(store, database_url):
    for number in range(LIMITS.per_conversation):
        await store.save(record(email=f"d{number}@example.com"))
        age_leads(database_url, 20)
    with pytest.raises(LeadLimitReached):
        await store.save(record(email="late@example.com"))
    assert len(rows(database_url, "SELECT id FROM leads")) == LIMITS.per_conversation
    age_leads(database_url, 61)
    await store.save(record(email="late@example.com"))  # an hour later it goes through


async def test_updating_the_conversations_own_lead_is_not_capped(store, database_url):
    for _ in range(LIMITS.per_conversation + 2):
        await store.save(record(name="Ana"))
    assert len(rows(database_url, "SELECT id FROM leads")) == 1


async def test_one_email_cannot_be_flooded_from_many_conversations(store, database_url):
    for number in range(LIMITS.per_email):
        await store.save(record(email="victim@example.com", sender_id=f"bot-{number}"))
    with pytest.raises(LeadLimitReached):
        await store.save(record(email="VICTIM@example.com", sender_id="bot-99"))


async def test_one_client_network_is_capped_across_conversations_and_emails(store, database_url):
    for number in range(LIMITS.per_client):
        await store.save(
            record(email=f"d{number}@example.com", sender_id=f"c-{number}", client_hash="net-1")
        )
    with pytest.raises(LeadLimitReached):
        await store.save(record(email="new@example.com", sender_id="c-new", client_hash="net-1"))
    await store.save(record(email="new@example.com", sender_id="c-new", client_hash="net-2"))


async def test_a_spooled_lead_is_stored_even_over_a_cap(store, database_url):
    for number in range(LIMITS.per_conversation):
        await store.save(record(email=f"d{number}@example.com"))
        age_leads(database_url, 20)
    store._spool(record(email="late@example.com"))
    assert await store.flush_spool() == 1
    assert len(rows(database_url, "SELECT id FROM leads")) == 4


def age_leads(database_url, minutes):
    """Move every stored lead back in time (out of the 10-minute update window)."""
    with psycopg.connect(database_url) as conn:
        conn.execute(f"UPDATE leads SET created_at = now() - interval '{minutes} minutes'")
