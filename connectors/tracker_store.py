"""Rasa's SQL tracker store, made to ride out a database restart and bad input.

- Rasa keeps a pool of up to 50 connections per server and hands them out
  without checking them. After PostgreSQL restarts, every pooled connection
  is dead, and each one fails a diver's turn once before SQLAlchemy notices.
  With `pool_pre_ping` a connection is tested (a round trip of well under a
  millisecond on the same host) when it is taken from the pool and replaced
  if it is dead, so the first turn after the database is back already works.
- Rasa's `session_scope` takes any ValueError for a missing PostgreSQL schema
  and exits the whole server; a conversation id with a NUL character (which
  PostgreSQL refuses) was enough to stop Rasa. Here such an error fails only
  that turn, and the channel answers politely.

It also counts the intent of every new diver message for the metrics
(`dovvybuddy_intents_total`): the store sees every turn of every channel.

`endpoints.yml` names this class instead of `SQL`; everything else (URL,
pool size from SQL_POOL_SIZE / SQL_MAX_OVERFLOW) is Rasa's own.
"""

from __future__ import annotations

import contextlib
from collections import OrderedDict
from collections.abc import Iterator
from typing import Any

import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore, create_engine_kwargs, ensure_schema_exists
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy.orm import Session

from dovvybuddy.monitoring.metrics import INTENTS

# The last message counted per conversation, for this many conversations.
COUNTED_CONVERSATIONS = 10_000


class ResilientSQLTrackerStore(SQLTrackerStore):
    """SQLTrackerStore whose connections are checked before use and whose
    query errors fail a turn instead of stopping the server."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        url = self.engine.url
        self.engine.dispose()
        self.engine = sa.create_engine(url, pool_pre_ping=True, **create_engine_kwargs(url))
        self.sessionmaker = sa.orm.session.sessionmaker(bind=self.engine)
        self._counted: OrderedDict[str, tuple[str | None, float]] = OrderedDict()

    async def save(self, tracker: DialogueStateTracker) -> None:
        await super().save(tracker)
        self._count_intent(tracker)

    def _count_intent(self, tracker: DialogueStateTracker) -> None:
        """Count the latest diver message's intent once (a turn may save twice)."""
        message = tracker.latest_message
        if message is None or not message.text:
            return
        counted = self._counted
        key = (message.message_id, message.timestamp)
        if counted.get(tracker.sender_id) == key:
            return
        counted[tracker.sender_id] = key
        counted.move_to_end(tracker.sender_id)
        if len(counted) > COUNTED_CONVERSATIONS:
            counted.popitem(last=False)
        INTENTS.labels((message.intent or {}).get("name") or "none").inc()

    @contextlib.contextmanager
    def session_scope(self) -> Iterator[Session]:
        session = self.sessionmaker()
        try:
            ensure_schema_exists(session)
            yield session
        finally:
            session.close()
