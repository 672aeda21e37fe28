"""Fixtures shared by all tests."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
import yaml
from psycopg import sql
from rasa_sdk import Tracker

from dovvybuddy.common.settings import PROJECT_ROOT, Settings, load_settings
from dovvybuddy.database.embedded_postgres import EmbeddedPostgres, start_embedded_postgres
from dovvybuddy.knowledge.passages import Passage
from tests.fakes.gemini_server import FakeGemini


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
def postgres_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmbeddedPostgres]:
    """One embedded PostgreSQL server for the test session."""
    data_dir: Path = tmp_path_factory.mktemp("postgres")
    server = start_embedded_postgres(data_dir, "dovvybuddy_test")
    yield server
    server.stop()


@pytest.fixture
def database_url(postgres_server: EmbeddedPostgres, request: pytest.FixtureRequest) -> str:
    """A new, empty database (pgvector available) for one test."""
    name = f"test_{abs(hash(request.node.nodeid)) % 10**10}"
    with psycopg.connect(postgres_server.database_url, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return postgres_server.database_url.replace("/dovvybuddy_test?", f"/{name}?")


@pytest.fixture
def fake_gemini() -> Iterator[FakeGemini]:
    """A fake Gemini API on 127.0.0.1 for this test."""
    server = FakeGemini()
    yield server
    server.close()


@pytest.fixture
def gemini_settings(fake_gemini: FakeGemini) -> Settings:
    """Settings that send Gemini calls to the fake server, with a short timeout."""
    return dataclasses.replace(
        load_settings(),
        gemini_api_key="test-key",
        gemini_base_url=fake_gemini.url,
        gemini_timeout_seconds=1.0,
    )


def make_passage(content: str, title: str = "Open Water Diver", **fields: Any) -> Passage:
    """A retrieved passage for tests that do not need the database."""
    values: dict[str, Any] = {
        "doc_path": "certifications/open-water.md",
        "kind": "certification",
        "title": title,
        "heading": "",
        "destination": None,
        "metadata": {},
        "content": content,
        "similarity": 0.7,
        "score": 0.03,
    }
    values.update(fields)
    return Passage(**values)
