"""The embedded PostgreSQL 16 + pgvector server used when DATABASE_URL is unset.

It comes from the `pgserver` package, keeps its data under `var/postgres`,
listens on a unix socket only (no TCP port to collide with) and survives
restarts of DovvyBuddy with its data intact.
"""

from __future__ import annotations

import logging
import warnings
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import psycopg
from psycopg import sql

logger = logging.getLogger(__name__)


@dataclass
class EmbeddedPostgres:
    """A running embedded server and the URL of DovvyBuddy's database on it."""

    server: object
    database_url: str

    def stop(self) -> None:
        """Stop the server (idempotent); the data directory is kept."""
        self.server.cleanup()


def start_embedded_postgres(data_dir: Path, database_name: str) -> EmbeddedPostgres:
    """Start (or attach to) the server in `data_dir` and create the database."""
    with warnings.catch_warnings():
        # platformdirs warns that XDG_RUNTIME_DIR is unset on servers; harmless.
        warnings.simplefilter("ignore")
        import pgserver

        data_dir.mkdir(parents=True, exist_ok=True)
        server = pgserver.get_server(data_dir, cleanup_mode="stop")
    socket_dir = server.get_postmaster_info().socket_dir
    admin_url = f"postgresql://postgres@/postgres?host={quote(str(socket_dir))}"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        exists = conn.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", (database_name,)
        ).fetchone()
        if not exists:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(database_name)))
            logger.info("created database %s", database_name)
    database_url = f"postgresql://postgres@/{database_name}?host={quote(str(socket_dir))}"
    return EmbeddedPostgres(server=server, database_url=database_url)
