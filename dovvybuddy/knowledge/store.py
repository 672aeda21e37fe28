"""Hybrid retrieval over the knowledge chunks in PostgreSQL.

Two searches run in one SQL statement: pgvector cosine distance (HNSW index)
and PostgreSQL full-text search over title, heading and text. Their rankings
are fused with reciprocal rank fusion, and the best fused candidates are
re-ranked by cosine similarity plus how much of the question each covers,
rare words counting most: PostgreSQL's text rank has no notion of how rare a
word is, so "Frenzel" in a section's text would lose to "differences" in a
heading.

"Nothing relevant" is a real outcome rather than the least bad chunk:
`search` first asks whether the best fused passages answer the question at
all (`dovvybuddy.knowledge.answerability`), then keeps those whose cosine
similarity reaches the relevance cutoff.
"""

from __future__ import annotations

import asyncio
import re
from dataclasses import replace
from typing import Literal

import numpy as np
from pgvector.psycopg import register_vector_async
from psycopg import AsyncConnection
from psycopg.rows import dict_row
from psycopg_pool import AsyncConnectionPool

from dovvybuddy.knowledge.answerability import (
    EVIDENCE_PASSAGES,
    Evidence,
    KnowledgeVocabulary,
    assess,
    coverage,
    passage_text,
    question_words,
    text_stems,
)
from dovvybuddy.knowledge.embeddings import Embedder
from dovvybuddy.knowledge.passages import Passage, Sentence

SearchMode = Literal["hybrid", "vector", "keyword"]

RRF_K = 60
CANDIDATES_PER_SEARCH = 30
# Fused candidates re-ranked in Python, and the weight of question coverage
# against cosine similarity there (chosen on the tuning half of
# eval/data/retrieval_eval.yml).
RERANKED_CANDIDATES = 20
RERANK_COVERAGE_WEIGHT = 0.3

_WORD = re.compile(r"[a-z0-9]+")

# Ties are broken by content hash so that every database holding the same
# knowledge ranks it the same way (the answerability check reads the top five).
_SEARCH_SQL = """
WITH vector_hits AS (
    SELECT id, row_number() OVER (ORDER BY embedding <=> %(vector)s, content_hash) AS rank
    FROM knowledge_chunks
    WHERE %(use_vector)s AND {filters}
    ORDER BY embedding <=> %(vector)s, content_hash
    LIMIT %(candidates)s
),
keyword_hits AS (
    SELECT id,
           row_number() OVER (ORDER BY ts_rank_cd(search_text, query) DESC, content_hash) AS rank
    FROM knowledge_chunks, to_tsquery('english', %(terms)s) AS query
    WHERE %(use_keyword)s AND search_text @@ query AND {filters}
    ORDER BY ts_rank_cd(search_text, query) DESC, content_hash
    LIMIT %(candidates)s
)
SELECT c.id AS chunk_id, c.doc_path, c.kind, c.title, c.heading, c.destination, c.metadata,
       c.content,
       1 - (c.embedding <=> %(vector)s) AS similarity,
       COALESCE(1.0 / (%(rrf_k)s + v.rank), 0) + COALESCE(1.0 / (%(rrf_k)s + k.rank), 0) AS score
FROM vector_hits v
FULL OUTER JOIN keyword_hits k USING (id)
JOIN knowledge_chunks c ON c.id = COALESCE(v.id, k.id)
ORDER BY score DESC, similarity DESC, c.content_hash
LIMIT %(limit)s
"""

_FILTERS = """embedding_provider = %(provider)s AND embedding_model = %(model)s
      AND embedding_dim = %(dimension)s
      AND (%(kinds)s::text[] IS NULL OR kind = ANY(%(kinds)s::text[]))
      AND (%(destination)s::text IS NULL OR destination = %(destination)s::text)"""


# The chunks this store's embedder made (another embedder's vectors are not comparable).
_THIS_EMBEDDER = " WHERE embedding_provider = %s AND embedding_model = %s AND embedding_dim = %s"

_SENTENCES_SQL = """
SELECT chunk_id, position, text, 1 - (embedding <=> %(vector)s) AS similarity
FROM knowledge_sentences
WHERE chunk_id = ANY(%(chunk_ids)s)
ORDER BY chunk_id, position
"""


def keyword_terms(text: str) -> str:
    """The question's words as an OR query for to_tsquery (only [a-z0-9] survive)."""
    return " | ".join(dict.fromkeys(_WORD.findall(text.lower())))


# The HNSW index is approximate: with pgvector's default search breadth (40)
# two databases holding the same knowledge can return different candidates,
# and the answerability verdict reads them. A breadth well above the
# candidates asked for makes the search as good as exact at this size.
HNSW_EF_SEARCH = 200


async def _configure(connection: AsyncConnection) -> None:
    await register_vector_async(connection)
    await connection.execute(f"SET hnsw.ef_search = {HNSW_EF_SEARCH}")
    await connection.commit()


def connection_pool(database_url: str) -> AsyncConnectionPool:
    """An async pool (not yet open) whose connections understand the vector type."""
    return AsyncConnectionPool(
        database_url,
        min_size=1,
        max_size=4,
        open=False,
        configure=_configure,
        timeout=5.0,
        # A connection broken by a database restart is replaced, not handed out.
        check=AsyncConnectionPool.check_connection,
    )


class KnowledgeStore:
    """Search the knowledge chunks for passages that answer a question."""

    def __init__(
        self, pool: AsyncConnectionPool, embedder: Embedder, min_similarity: float
    ) -> None:
        self.pool = pool
        self.embedder = embedder
        self.min_similarity = min_similarity
        self.vocabulary = KnowledgeVocabulary([])
        self._opened = asyncio.Lock()
        self._is_open = False

    async def open(self) -> None:
        """Open the connection pool and read the vocabulary on first use (idempotent).

        The vocabulary is read once: the knowledge base is ingested before
        the action server starts.
        """
        async with self._opened:
            if not self._is_open:
                await self.pool.open()
                self.vocabulary = await self._read_vocabulary()
                self._is_open = True

    @property
    def _embedder_key(self) -> tuple[str, str, int]:
        return (self.embedder.provider, self.embedder.model, self.embedder.dimension)

    async def searchable_chunks(self) -> int:
        """How many chunks this store's embedder can search (0 before ingest)."""
        await self.pool.open()
        async with self.pool.connection() as conn:
            cursor = await conn.execute(
                "SELECT count(*) FROM knowledge_chunks" + _THIS_EMBEDDER, self._embedder_key
            )
            row = await cursor.fetchone()
        return int(row[0]) if row else 0

    async def _read_vocabulary(self) -> KnowledgeVocabulary:
        async with self.pool.connection() as conn:
            cursor = await conn.execute(
                "SELECT title, heading, content, metadata->'topics', kind FROM knowledge_chunks"
                + _THIS_EMBEDDER,
                self._embedder_key,
            )
            rows = await cursor.fetchall()
        return KnowledgeVocabulary(
            passage_text(title, heading, content, topics or (), kind)
            for title, heading, content, topics, kind in rows
        )

    async def close(self) -> None:
        await self.pool.close()
        self._is_open = False

    async def search(
        self,
        question: str,
        vector: list[float],
        *,
        limit: int = 5,
        kinds: list[str] | None = None,
        destination: str | None = None,
        topic_in_scope: bool = False,
    ) -> list[Passage]:
        """The passages that answer `question` (already embedded as `vector`),
        best first; [] when the knowledge base does not answer it.

        With `topic_in_scope` the caller already knows the knowledge base
        covers the topic, so only the similarity cutoff applies.
        """
        passages, evidence = await self.ranked_search(
            question, vector, limit=limit, kinds=kinds, destination=destination
        )
        if topic_in_scope:
            return [p for p in passages if p.similarity >= self.min_similarity][:limit]
        # The answerability model has weighed similarity with the rest of the
        # evidence: a question in words the encoder hardly knows ("what does
        # barotrauma mean") can be answered from passages of low similarity.
        return passages[:limit] if evidence.answerable else []

    async def ranked_search(
        self,
        question: str,
        vector: list[float],
        *,
        limit: int = 5,
        mode: SearchMode = "hybrid",
        kinds: list[str] | None = None,
        destination: str | None = None,
        rerank: bool = True,
    ) -> tuple[list[Passage], Evidence]:
        """The passages best first (at least EVIDENCE_PASSAGES of them), with their
        sentences, and the evidence that the knowledge base answers the question.

        The evidence is weighed on the fused ranking, before re-ranking: the
        re-ranking favours passages that use the question's words, which
        would make an unanswerable question look covered.
        """
        terms = keyword_terms(question)
        parameters = {
            "vector": np.asarray(vector, dtype=np.float32),
            "terms": terms or "nothing_to_match",
            "use_vector": mode in ("hybrid", "vector"),
            "use_keyword": mode in ("hybrid", "keyword") and bool(terms),
            "candidates": CANDIDATES_PER_SEARCH,
            "rrf_k": RRF_K,
            "limit": max(limit, EVIDENCE_PASSAGES, RERANKED_CANDIDATES if rerank else 0),
            "provider": self.embedder.provider,
            "model": self.embedder.model,
            "dimension": self.embedder.dimension,
            "kinds": kinds,
            "destination": destination,
        }
        sql = _SEARCH_SQL.format(filters=_FILTERS)
        await self.open()
        async with self.pool.connection() as conn:
            cursor = await conn.cursor(row_factory=dict_row).execute(sql, parameters)
            fused = [Passage(**row) for row in await cursor.fetchall()]
            ordered = self.reranked(question, fused) if rerank else fused
            kept = ordered[: max(limit, EVIDENCE_PASSAGES)]
            with_sentences = await self._with_sentences(
                conn, kept + fused[:EVIDENCE_PASSAGES], parameters["vector"]
            )
        by_chunk = {p.chunk_id: p for p in with_sentences}
        evidence = self.assess(question, [by_chunk[p.chunk_id] for p in fused[:EVIDENCE_PASSAGES]])
        return [by_chunk[p.chunk_id] for p in kept], evidence

    def reranked(self, question: str, passages: list[Passage]) -> list[Passage]:
        """The passages by cosine similarity plus weighted coverage of the question."""
        words = question_words(question, self.vocabulary)

        def key(passage: Passage) -> float:
            covered = coverage(words, text_stems([passage.text]))
            return passage.similarity + RERANK_COVERAGE_WEIGHT * covered

        return sorted(passages, key=key, reverse=True)

    @staticmethod
    async def _with_sentences(
        conn: AsyncConnection, passages: list[Passage], vector: np.ndarray
    ) -> list[Passage]:
        """The passages with their sentences scored against the question's vector."""
        if not passages:
            return passages
        cursor = await conn.execute(
            _SENTENCES_SQL, {"vector": vector, "chunk_ids": [p.chunk_id for p in passages]}
        )
        by_chunk: dict[int, list[Sentence]] = {}
        for chunk_id, position, text, similarity in await cursor.fetchall():
            by_chunk.setdefault(chunk_id, []).append(Sentence(position, text, float(similarity)))
        return [replace(p, sentences=tuple(by_chunk.get(p.chunk_id, ()))) for p in passages]

    def assess(self, question: str, ranked: list[Passage]) -> Evidence:
        """How well the best of the fused `ranked` passages cover `question`
        (after a search, which reads the vocabulary)."""
        best = ranked[:EVIDENCE_PASSAGES]
        return assess(
            question,
            max((float(p.similarity) for p in best), default=0.0),
            [p.text for p in best],
            self.vocabulary,
            sentence_similarity=max((s.similarity for p in best for s in p.sentences), default=0.0),
        )

    async def retrieve_passages(
        self,
        question: str,
        *,
        limit: int = 5,
        kinds: list[str] | None = None,
        destination: str | None = None,
        topic_in_scope: bool = False,
    ) -> list[Passage]:
        """The passages that answer `question`, best first; [] when nothing is relevant.

        `topic_in_scope`: the NLU already placed the question in a topic the
        knowledge base covers (a fear, say), so the answerability check, which
        judges open questions, is skipped; the similarity cutoff still applies.
        """
        vector = await self.embedder.embed_query(question)
        return await self.search(
            question,
            vector,
            limit=limit,
            kinds=kinds,
            destination=destination,
            topic_in_scope=topic_in_scope,
        )
