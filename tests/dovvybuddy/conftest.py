"""Fixtures for the core's tests: a migrated database, an SMTP inbox, a webhook
receiver, the ingested knowledge base."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator

import psycopg
import pytest

from dovvybuddy.common.settings import Settings, load_settings
from dovvybuddy.database.migrations import apply_migrations
from dovvybuddy.leads.partners import Partner
from tests.dovvybuddy.knowledge_base import embedder, knowledge_url  # noqa: F401 (fixtures)
from tests.dovvybuddy.tracker_rows import RASA_EVENTS_TABLE
from tests.fakes.lead_receivers import SmtpInbox, WebhookReceiver

WEBHOOK_SECRET = "test-webhook-secret"
LINK_SECRET = "test-lead-link-secret"
EMAIL_PARTNER = Partner(
    partner_id="test-email-divers",
    name="Test Email Divers",
    destination="tioman",
    email="shop@example.com",
    webhook=None,
)


@pytest.fixture
def leads_database(database_url: str) -> str:
    """An empty database with DovvyBuddy's schema."""
    apply_migrations(database_url)
    return database_url


@pytest.fixture
def smtp_inbox() -> Iterator[SmtpInbox]:
    """A running SMTP server on 127.0.0.1 that keeps what it receives."""
    inbox = SmtpInbox()
    inbox.start()
    yield inbox
    inbox.stop()


@pytest.fixture
def webhook_receiver() -> Iterator[WebhookReceiver]:
    """A running webhook receiver on 127.0.0.1 that answers 200 unless told otherwise."""
    receiver = WebhookReceiver()
    yield receiver
    receiver.close()


@pytest.fixture
def webhook_partner(webhook_receiver: WebhookReceiver) -> Partner:
    """A partner whose leads go to the webhook receiver."""
    return Partner(
        partner_id="test-webhook-divers",
        name="Test Webhook Divers",
        destination="sipadan",
        email=None,
        webhook=webhook_receiver.url,
    )


@pytest.fixture
def delivery_settings(smtp_inbox: SmtpInbox) -> Settings:
    """Settings that send to the test servers and retry after a few milliseconds."""
    return dataclasses.replace(
        load_settings(),
        database_url=None,
        smtp_host="127.0.0.1",
        smtp_port=smtp_inbox.port,
        smtp_username=None,
        smtp_password=None,
        smtp_starttls=False,
        webhook_secret=WEBHOOK_SECRET,
        lead_link_secret=LINK_SECRET,
        default_lead_email="team@dovvybuddy.example",
        lead_from="DovvyBuddy <leads@dovvybuddy.example>",
        lead_delivery_timeout_seconds=2.0,
        lead_claim_seconds=30.0,
        lead_retry_base_seconds=0.01,
        lead_retry_max_seconds=0.05,
        lead_max_attempts=8,
        lead_poll_seconds=0.05,
        lead_batch_size=10,
    )


@pytest.fixture
def tracker_store(database_url: str) -> str:
    """A migrated database with an empty tracker store, as after the stack's first start."""
    apply_migrations(database_url)
    with psycopg.connect(database_url) as conn:
        conn.execute(RASA_EVENTS_TABLE)
    return database_url
