"""The real knowledge base, ingested once for the tests that search and answer from it."""

import asyncio

import psycopg
import pytest
from psycopg import sql

from dovvybuddy.common.settings import load_settings
from dovvybuddy.database.migrations import apply_migrations
from dovvybuddy.knowledge.documents import load_documents
from dovvybuddy.knowledge.embeddings import LocalEmbedder
from dovvybuddy.knowledge.ingest import ingest


@pytest.fixture(scope="session")
def embedder():
    return LocalEmbedder()


@pytest.fixture(scope="session")
def knowledge_url(postgres_server, embedder):
    """A database with the real knowledge/ ingested, shared by the session."""
    with psycopg.connect(postgres_server.database_url, autocommit=True) as conn:
        conn.execute("DROP DATABASE IF EXISTS knowledge_test")
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier("knowledge_test")))
    url = postgres_server.database_url.replace("/dovvybuddy_test?", "/knowledge_test?")
    apply_migrations(url)
    cache = load_settings().embedding_cache
    asyncio.run(ingest(url, embedder, load_documents(), progress=False, cache_path=cache))
    return url
