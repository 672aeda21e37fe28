"""Hybrid retrieval over the knowledge chunks in PostgreSQL.

Two searches run in one SQL statement: pgvector cosine distance (HNSW index)
and PostgreSQL full-text search over title, heading and text. Their rankings
are fused with reciprocal rank fusion, and a passage is only returned when
its cosine similarity to the question reaches a relevance cutoff, so that
"nothing relevant" is a real outcome rather than the least bad chunk.
"""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
from pgvector.psycopg import register_vector_async
from psycopg import AsyncConnection
from psycopg.rows import dict_row
from psycopg_pool import AsyncConnectionPool

from actions.services.embeddings import Embedder

SearchMode = Literal["hybrid", "vector", "keyword"]

RRF_K = 60
CANDIDATES_PER_SEARCH = 30

_WORD = re.compile(r"[a-z0-9]+")

_SEARCH_SQL = """
WITH vector_hits AS (
    SELECT id, row_number() OVER (ORDER BY embedding <=> %(vector)s) AS rank
    FROM knowledge_chunks
    WHERE %(use_vector)s AND {filters}
    ORDER BY embedding <=> %(vector)s
    LIMIT %(candidates)s
),
keyword_hits AS (
    SELECT id, row_number() OVER (ORDER BY ts_rank_cd(search_text, query) DESC) AS rank
    FROM knowledge_chunks, to_tsquery('english', %(terms)s) AS query
    WHERE %(use_keyword)s AND search_text @@ query AND {filters}
    ORDER BY ts_rank_cd(search_text, query) DESC
    LIMIT %(candidates)s
)
SELECT c.doc_path, c.doc_type, c.title, c.heading, c.destination, c.metadata, c.content,
       1 - (c.embedding <=> %(vector)s) AS similarity,
       COALESCE(1.0 / (%(rrf_k)s + v.rank), 0) + COALESCE(1.0 / (%(rrf_k)s + k.rank), 0) AS score
FROM vector_hits v
FULL OUTER JOIN keyword_hits k USING (id)
JOIN knowledge_chunks c ON c.id = COALESCE(v.id, k.id)
ORDER BY score DESC
LIMIT %(limit)s
"""

_FILTERS = """embedding_provider = %(provider)s AND embedding_model = %(model)s
      AND embedding_dim = %(dimension)s
      AND (%(doc_types)s::text[] IS NULL OR doc_type = ANY(%(doc_types)s::text[]))
      AND (%(destination)s::text IS NULL OR destination = %(destination)s::text)"""


@dataclass(frozen=True)
class Passage:
    """A retrieved chunk with where it came from and how well it matched."""

    doc_path: str
    doc_type: str
    title: str
    heading: str
    destination: str | None
    metadata: dict[str, Any]
    content: str
    similarity: float
    score: float


def keyword_terms(text: str) -> str:
    """The question's words as an OR query for to_tsquery (only [a-z0-9] survive)."""
    return " | ".join(dict.fromkeys(_WORD.findall(text.lower())))


async def _configure(connection: AsyncConnection) -> None:
    await register_vector_async(connection)


def connection_pool(database_url: str) -> AsyncConnectionPool:
    """An async pool (not yet open) whose connections understand the vector type."""
    return AsyncConnectionPool(
        database_url, min_size=1, max_size=4, open=False, configure=_configure, timeout=5.0
    )


class KnowledgeStore:
    """Search the knowledge chunks for passages that answer a question."""

    def __init__(
        self, pool: AsyncConnectionPool, embedder: Embedder, min_similarity: float
    ) -> None:
        self.pool = pool
        self.embedder = embedder
        self.min_similarity = min_similarity
        self._opened = asyncio.Lock()
        self._is_open = False

    async def open(self) -> None:
        """Open the connection pool on first use (idempotent)."""
        async with self._opened:
            if not self._is_open:
                await self.pool.open()
                self._is_open = True

    async def close(self) -> None:
        await self.pool.close()
        self._is_open = False

    async def search(
        self,
        question: str,
        vector: list[float],
        *,
        limit: int = 5,
        mode: SearchMode = "hybrid",
        doc_types: list[str] | None = None,
        destination: str | None = None,
        apply_cutoff: bool = True,
    ) -> list[Passage]:
        """Run the SQL search with an already computed question vector."""
        terms = keyword_terms(question)
        parameters = {
            "vector": np.asarray(vector, dtype=np.float32),
            "terms": terms or "nothing_to_match",
            "use_vector": mode in ("hybrid", "vector"),
            "use_keyword": mode in ("hybrid", "keyword") and bool(terms),
            "candidates": CANDIDATES_PER_SEARCH,
            "rrf_k": RRF_K,
            "limit": limit,
            "provider": self.embedder.provider,
            "model": self.embedder.model,
            "dimension": self.embedder.dimension,
            "doc_types": doc_types,
            "destination": destination,
        }
        sql = _SEARCH_SQL.format(filters=_FILTERS)
        await self.open()
        async with self.pool.connection() as conn:
            cursor = await conn.cursor(row_factory=dict_row).execute(sql, parameters)
            rows = await cursor.fetchall()
        passages = [Passage(**row) for row in rows]
        if apply_cutoff:
            passages = [p for p in passages if p.similarity >= self.min_similarity]
        return passages

    async def retrieve_passages(
        self,
        question: str,
        *,
        limit: int = 5,
        doc_types: list[str] | None = None,
        destination: str | None = None,
    ) -> list[Passage]:
        """The passages that answer `question`, best first; [] when nothing is relevant."""
        vector = await self.embedder.embed_query(question)
        return await self.search(
            question, vector, limit=limit, doc_types=doc_types, destination=destination
        )
