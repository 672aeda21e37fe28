"""The database a process uses: the embedded server or DATABASE_URL, migrated.

The supervisor (`dovvybuddy.ops.stack`) and the operations commands (`make
ingest`, `make leads`, `make insights`, ...) both start here, so knowledge,
leads and analytics get a database without importing the supervisor.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager, redirect_stdout

from dovvybuddy.common.settings import Settings
from dovvybuddy.database.embedded_postgres import EmbeddedPostgres, start_embedded_postgres
from dovvybuddy.database.migrations import apply_migrations


def start_database(
    settings: Settings, migrate_managed_database: bool = True
) -> tuple[str, EmbeddedPostgres | None]:
    """Start the embedded server if needed, migrate; the URL and the server started.

    The embedded database is always migrated; a managed one (DATABASE_URL)
    only when `migrate_managed_database` (operations commands leave that to
    the deployment's migrate job).
    """
    embedded: EmbeddedPostgres | None = None
    if settings.database_url:
        database_url = settings.database_url
        if not migrate_managed_database:
            return database_url, None
    else:
        embedded = start_embedded_postgres(settings.postgres_dir, settings.embedded_database_name)
        database_url = embedded.database_url
    applied = apply_migrations(database_url)
    print(f"Database ready ({len(applied)} migration(s) applied now).", flush=True)
    return database_url, embedded


@contextmanager
def running_database(settings: Settings, migrate_managed_database: bool = True) -> Iterator[str]:
    """The database URL, with the embedded server running (if used) and migrated.

    For commands (`make leads`, `make insights`, ...): its status line goes to
    stderr, so their own output on stdout stays clean, and it leaves a running
    stack's var/stack.json alone.
    """
    embedded: EmbeddedPostgres | None = None
    try:
        with redirect_stdout(sys.stderr):
            url, embedded = start_database(settings, migrate_managed_database)
        yield url
    finally:
        if embedded:
            embedded.stop()
