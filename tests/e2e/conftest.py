"""The real stack (PostgreSQL, action server, Rasa), started once per test session."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from dovvybuddy.launcher import LaunchedStack
from tests.fakes.lead_receivers import SmtpInbox


@pytest.fixture(scope="session")
def smtp_server() -> Iterator[SmtpInbox]:
    """The partner dive centres' mail server, on loopback."""
    server = SmtpInbox()
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def stack(
    tmp_path_factory: pytest.TempPathFactory, smtp_server: SmtpInbox
) -> Iterator[LaunchedStack]:
    launched = LaunchedStack(
        tmp_path_factory.mktemp("stack"),
        extra_env={
            "DOVVY_SMTP_HOST": "127.0.0.1",
            "DOVVY_SMTP_PORT": str(smtp_server.port),
            "DOVVY_LEAD_RETRY_BASE_SECONDS": "0.5",
        },
    )
    launched.start()
    yield launched
    assert launched.stop() == 0, launched.output()


@pytest.fixture
def sender(request: pytest.FixtureRequest) -> str:
    """A sender id of its own for each test, so conversations do not mix."""
    return f"e2e-{request.node.name}"[:100]
