"""The real stack (PostgreSQL, action server, Rasa), started once per test session."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from dovvybuddy.launcher import LaunchedStack


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LaunchedStack]:
    launched = LaunchedStack(tmp_path_factory.mktemp("stack"))
    launched.start()
    yield launched
    assert launched.stop() == 0, launched.output()


@pytest.fixture
def sender(request: pytest.FixtureRequest) -> str:
    """A sender id of its own for each test, so conversations do not mix."""
    return f"e2e-{request.node.name}"[:100]
