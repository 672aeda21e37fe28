"""Fixtures shared by all tests."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from rasa_sdk import Tracker

from dovvybuddy.embedded_postgres import EmbeddedPostgres, start_embedded_postgres
from dovvybuddy.settings import PROJECT_ROOT


@pytest.fixture(scope="session")
def domain() -> dict[str, Any]:
    """The assistant's domain, as the action server receives it."""
    return yaml.safe_load((PROJECT_ROOT / "domain.yml").read_text())


@pytest.fixture
def make_tracker() -> Callable[..., Tracker]:
    """Build a Tracker for a conversation whose last user message is `text`."""

    def build(
        text: str = "",
        intent: str = "nlu_fallback",
        confidence: float = 0.4,
        slots: dict[str, Any] | None = None,
        entities: list[dict[str, Any]] | None = None,
        sender_id: str = "test-diver",
    ) -> Tracker:
        latest_message = {
            "text": text,
            "intent": {"name": intent, "confidence": confidence},
            "entities": entities or [],
        }
        events = [
            {"event": "action", "name": "action_listen"},
            {"event": "user", "text": text, "parse_data": latest_message},
        ]
        return Tracker(
            sender_id=sender_id,
            slots=slots or {},
            latest_message=latest_message,
            events=events,
            paused=False,
            followup_action=None,
            active_loop={},
            latest_action_name="action_listen",
        )

    return build


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A fresh embedded PostgreSQL database for the test session."""
    data_dir: Path = tmp_path_factory.mktemp("postgres")
    server: EmbeddedPostgres = start_embedded_postgres(data_dir, "dovvybuddy_test")
    yield server.database_url
    server.stop()
