"""Rasa's SQL tracker store, made to ride out a database restart.

Rasa keeps a pool of up to 50 connections per server and hands them out
without checking them. After PostgreSQL restarts, every pooled connection is
dead, and each one fails a diver's turn once before SQLAlchemy notices. With
`pool_pre_ping` a connection is tested (a round trip of well under a
millisecond on the same host) when it is taken from the pool and replaced if
it is dead, so the first turn after the database is back already works.

`endpoints.yml` names this class instead of `SQL`; everything else (URL,
pool size from SQL_POOL_SIZE / SQL_MAX_OVERFLOW) is Rasa's own.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore, create_engine_kwargs


class PingingSQLTrackerStore(SQLTrackerStore):
    """SQLTrackerStore whose connections are checked before each use."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        url = self.engine.url
        self.engine.dispose()
        self.engine = sa.create_engine(url, pool_pre_ping=True, **create_engine_kwargs(url))
        self.sessionmaker = sa.orm.session.sessionmaker(bind=self.engine)
