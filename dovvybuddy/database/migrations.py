"""Database plumbing shared by the tooling: migrations and connection URLs.

Migrations are plain SQL files in `migrations/`, applied in file-name order and
recorded in `schema_migrations`. The schema is small and written in SQL that a
reader can check against PostgreSQL's documentation; Alembic would add
SQLAlchemy models and a second migration language for no gain here.
"""

from __future__ import annotations

import logging
from pathlib import Path

import psycopg

from dovvybuddy.common.settings import PROJECT_ROOT

MIGRATIONS_DIR = PROJECT_ROOT / "migrations"
# Any constant works; it only has to be the same for every process migrating.
_MIGRATION_LOCK_ID = 74_2025_0001

logger = logging.getLogger(__name__)


def sqlalchemy_url(database_url: str) -> str:
    """The same database as a SQLAlchemy URL, as Rasa's SQL tracker store wants it."""
    scheme, sep, rest = database_url.partition("://")
    if not sep or scheme not in {"postgres", "postgresql"}:
        raise ValueError("DATABASE_URL must start with postgresql:// or postgres://")
    return f"postgresql://{rest}"


def pending_migrations(applied: set[str], directory: Path = MIGRATIONS_DIR) -> list[Path]:
    """Migration files not yet applied, in the order they must run."""
    return [path for path in sorted(directory.glob("*.sql")) if path.stem not in applied]


def apply_migrations(database_url: str, directory: Path = MIGRATIONS_DIR) -> list[str]:
    """Apply every pending migration, each in its own transaction.

    Safe to run from several processes at once: an advisory lock serialises
    them, and a migration already recorded is skipped. Returns the versions
    applied by this call.
    """
    applied_now: list[str] = []
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute("SELECT pg_advisory_lock(%s)", (_MIGRATION_LOCK_ID,))
        try:
            conn.execute(
                "CREATE TABLE IF NOT EXISTS schema_migrations ("
                " version text PRIMARY KEY,"
                " applied_at timestamptz NOT NULL DEFAULT now())"
            )
            applied = {row[0] for row in conn.execute("SELECT version FROM schema_migrations")}
            for path in pending_migrations(applied, directory):
                with conn.transaction():
                    conn.execute(path.read_text(encoding="utf-8"))
                    conn.execute(
                        "INSERT INTO schema_migrations (version) VALUES (%s)", (path.stem,)
                    )
                logger.info("applied migration %s", path.stem)
                applied_now.append(path.stem)
        finally:
            conn.execute("SELECT pg_advisory_unlock(%s)", (_MIGRATION_LOCK_ID,))
    return applied_now
