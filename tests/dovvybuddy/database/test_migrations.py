"""Migrations and database URLs."""

import psycopg
import pytest

from dovvybuddy.database.migrations import apply_migrations, pending_migrations, sqlalchemy_url


def test_migrations_create_the_schema_once(database_url):
    first = apply_migrations(database_url)
    second = apply_migrations(database_url)

    assert first == [
        "0001_knowledge",
        "0002_leads",
        "0003_review",
        "0004_lead_limits",
        "0005_sentences",
        "0006_llm_usage",
        "0007_diver_notices",
        "0008_lead_links",
        "0009_question_leads",
    ]
    assert second == []
    with psycopg.connect(database_url) as conn:
        tables = {
            row[0]
            for row in conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
        }
        indexes = {row[0] for row in conn.execute("SELECT indexname FROM pg_indexes")}
        vector = conn.execute("SELECT extversion FROM pg_extension WHERE extname = 'vector'")
        assert vector.fetchone() is not None
    assert {
        "knowledge_chunks",
        "knowledge_sentences",
        "llm_usage",
        "leads",
        "lead_outbox",
        "schema_migrations",
    } <= tables
    assert "knowledge_chunks_embedding_hnsw" in indexes


def test_pending_migrations_skip_applied_ones_and_keep_order(tmp_path):
    for name in ("0002_b.sql", "0001_a.sql", "0003_c.sql"):
        (tmp_path / name).write_text("SELECT 1;")
    assert [p.stem for p in pending_migrations({"0002_b"}, tmp_path)] == ["0001_a", "0003_c"]


@pytest.mark.parametrize(
    ("database_url", "expected"),
    [
        ("postgres://u:p@db:5432/x", "postgresql://u:p@db:5432/x"),
        ("postgresql://postgres@/x?host=/tmp/s", "postgresql://postgres@/x?host=/tmp/s"),
    ],
)
def test_database_url_becomes_a_sqlalchemy_url(database_url, expected):
    assert sqlalchemy_url(database_url) == expected


def test_other_databases_are_refused():
    with pytest.raises(ValueError, match="postgresql://"):
        sqlalchemy_url("mysql://u@h/x")
