"""The real stack (PostgreSQL, action server, Rasa), started once per test session."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import yaml

from connectors.fallback_replies import NO_REPLY_TEXT, SLOW_TURN_TEXT
from dovvybuddy.common.settings import PROJECT_ROOT
from dovvybuddy.ops.launcher import ONE_ADDRESS_MANY_DIVERS, LaunchedStack, conversation_id
from tests.fakes.lead_receivers import SmtpInbox
from tests.fakes.telegram_api import FakeTelegramApi
from tests.fakes.whatsapp_api import API_VERSION, FakeWhatsAppApi

TELEGRAM_WEBHOOK_SECRET = "e2e-telegram-webhook-secret"
# Replies that mean the stack could not answer: a test of an answer refuses them.
DEGRADED_REPLIES = frozenset(
    {
        NO_REPLY_TEXT,
        SLOW_TURN_TEXT,
        *(
            variant["text"]
            for variant in yaml.safe_load((PROJECT_ROOT / "domain.yml").read_text())["responses"][
                "utter_answer_unavailable"
            ]
        ),
    }
)
TELEGRAM_WEBHOOK_URL = "https://dovvybuddy.example/webhooks/telegram/webhook"
WHATSAPP_APP_SECRET = "e2e-whatsapp-app-secret"
WHATSAPP_VERIFY_TOKEN = "e2e-whatsapp-verify-token"


@pytest.fixture(scope="session")
def smtp_server() -> Iterator[SmtpInbox]:
    """The partner dive centres' mail server, on loopback."""
    server = SmtpInbox()
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def telegram_api() -> Iterator[FakeTelegramApi]:
    """Telegram's Bot API, on loopback."""
    server = FakeTelegramApi()
    yield server
    server.close()


@pytest.fixture(scope="session")
def whatsapp_api() -> Iterator[FakeWhatsAppApi]:
    """Meta's Graph API for WhatsApp, on loopback."""
    server = FakeWhatsAppApi()
    yield server
    server.close()


@pytest.fixture(scope="session")
def stack(
    tmp_path_factory: pytest.TempPathFactory,
    smtp_server: SmtpInbox,
    telegram_api: FakeTelegramApi,
    whatsapp_api: FakeWhatsAppApi,
) -> Iterator[LaunchedStack]:
    launched = LaunchedStack(
        tmp_path_factory.mktemp("stack"),
        extra_env={
            "DOVVY_SMTP_HOST": "127.0.0.1",
            "DOVVY_SMTP_PORT": str(smtp_server.port),
            "DOVVY_LEAD_RETRY_BASE_SECONDS": "0.5",
            "TELEGRAM_BOT_TOKEN": telegram_api.token,
            "TELEGRAM_WEBHOOK_SECRET": TELEGRAM_WEBHOOK_SECRET,
            "TELEGRAM_WEBHOOK_URL": TELEGRAM_WEBHOOK_URL,
            "TELEGRAM_API_BASE_URL": telegram_api.base_url,
            "TELEGRAM_MODE": "webhook",
            # Learnt from getMe, as in production when it is not set.
            "TELEGRAM_BOT_USERNAME": "",
            "WHATSAPP_ACCESS_TOKEN": whatsapp_api.token,
            "WHATSAPP_PHONE_NUMBER_ID": whatsapp_api.phone_number_id,
            "WHATSAPP_APP_SECRET": WHATSAPP_APP_SECRET,
            "WHATSAPP_VERIFY_TOKEN": WHATSAPP_VERIFY_TOKEN,
            "WHATSAPP_API_BASE_URL": whatsapp_api.base_url,
            "WHATSAPP_API_VERSION": API_VERSION,
            # Every test talks from 127.0.0.1: only the per-sender limit applies.
            **ONE_ADDRESS_MANY_DIVERS,
        },
    )
    launched.start()
    yield launched
    assert launched.stop() == 0, launched.output()


@pytest.fixture
def sender(request: pytest.FixtureRequest) -> str:
    """A web conversation of its own for each test, so conversations do not mix."""
    return conversation_id(f"e2e-{request.node.name}")
