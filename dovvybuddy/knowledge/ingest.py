"""Ingest knowledge/ into PostgreSQL: chunk, embed, upsert by content hash.

`make ingest` runs this, and `make run` runs it before starting the servers.
A chunk is one `##` section (split at sentence boundaries when it is longer
than MAX_CHUNK_WORDS). Chunks are keyed by a hash of their text and metadata
plus the embedding that produced their vector, so:

- an unchanged chunk is kept and never re-embedded;
- a chunk of an edited or deleted file disappears (its hash is not wanted);
- switching the embedding provider, model or dimension re-embeds everything.

Every chunk's sentences are embedded too (`knowledge_sentences`), with the
chunk they belong to, so an answer can quote the sentences that answer a
question; they are embedded once, when their chunk is new (or when the way
text is split into sentences changes).
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import psycopg
from pgvector.psycopg import register_vector_async
from tqdm import tqdm

from dovvybuddy.common.settings import load_settings
from dovvybuddy.database.server import running_database
from dovvybuddy.knowledge.documents import Document, load_documents
from dovvybuddy.knowledge.embedding_cache import EmbeddingCache
from dovvybuddy.knowledge.embeddings import Embedder, embedder_for
from dovvybuddy.knowledge.sentences import split_sentences
from dovvybuddy.knowledge.vocabulary import CERTIFICATION_LEVEL_NAMES

MAX_CHUNK_WORDS = 180
EMBED_BATCH_SIZE = 32
# Partner pages route leads (`dovvybuddy.leads.partners` reads them from knowledge/).
# A diver's question is never answered from one, and their demo content must
# never reach an answer, so they are not searchable at all.
NOT_SEARCHABLE_KINDS = frozenset({"partner"})


@dataclass(frozen=True)
class Chunk:
    """A retrievable piece of a knowledge document."""

    doc_path: str
    kind: str
    title: str
    heading: str
    destination: str | None
    metadata: dict[str, Any] = field(hash=False)
    content: str

    @property
    def embedding_text(self) -> str:
        """What is embedded: the text with the title and heading it sits under."""
        heading = f" - {self.heading}" if self.heading else ""
        return f"{self.title}{heading}\n{self.content}"

    @property
    def content_hash(self) -> str:
        fields = [
            self.doc_path,
            self.kind,
            self.title,
            self.heading,
            self.destination,
            self.metadata,
            self.content,
        ]
        return hashlib.sha256(json.dumps(fields, sort_keys=True).encode()).hexdigest()

    @property
    def sentences(self) -> list[str]:
        """The chunk's text as the sentences an answer may quote."""
        return split_sentences(self.content)


def split_text(text: str, max_words: int = MAX_CHUNK_WORDS) -> list[str]:
    """`text` as pieces of at most `max_words` words, cut only between sentences.

    A single sentence longer than the limit stays whole: cutting it would
    leave two halves that mean nothing alone.
    """
    if len(text.split()) <= max_words:
        return [text]
    pieces: list[str] = []
    current: list[str] = []
    for sentence in split_sentences(text):
        words = len(sentence.split())
        if current and sum(len(s.split()) for s in current) + words > max_words:
            pieces.append(" ".join(current))
            current = []
        current.append(sentence)
    if current:
        pieces.append(" ".join(current))
    return pieces


_MONTHS = "January February March April May June July August September October November December"


def _months(numbers: list[int]) -> str:
    names = _MONTHS.split()
    if sorted(numbers) == list(range(1, 13)):
        return "all year"
    return ", ".join(names[n - 1] for n in sorted(numbers))


def key_facts(document: Document) -> str | None:
    """The structured front matter of a dive site, as a sentence a diver can read.

    Depth, level and difficulty live in the front matter, so without this
    chunk "how deep is Tiger Reef" would only find prose about the site.
    """
    if document.kind != "dive_site":
        return None
    meta = document.meta
    low, high = meta["depth_range_m"]
    level = CERTIFICATION_LEVEL_NAMES[meta["min_certification"]]
    dives = meta.get("min_logged_dives")
    facts = [
        f"{document.title} at a glance: depth {low:g} to {high:g} m, {meta['difficulty']}, "
        f"{meta['access']} dive.",
        f"Suits divers with at least {level} certification"
        + (f" and {dives} logged dives." if dives else "."),
        f"Best months: {_months(meta['best_months'])}.",
        f"Highlights: {'; '.join(meta['highlights'])}.",
    ]
    if meta.get("hazard_notes"):
        facts.append(f"Hazards: {'; '.join(meta['hazard_notes'])}.")
    if meta.get("restriction_note"):
        facts.append(f"Restricted: {meta['restriction_note']}.")
    facts.append("Confirm with your dive operator.")
    return " ".join(facts)


def chunk_document(document: Document, max_words: int = MAX_CHUNK_WORDS) -> list[Chunk]:
    """Split a document into chunks: its sections, cut further when too long,
    plus a key-facts chunk for dive sites."""
    metadata = json.loads(
        json.dumps(
            {key: value for key, value in document.meta.items() if key != "sources"}, default=str
        )
    )
    sections = [(section.heading, section.text) for section in document.sections()]
    facts = key_facts(document)
    if facts:
        sections.insert(0, ("Key facts", facts))
    return [
        Chunk(
            doc_path=document.path,
            kind=document.kind,
            title=document.title,
            heading=heading,
            destination=document.destination,
            metadata=metadata,
            content=piece,
        )
        for heading, text in sections
        for piece in split_text(text, max_words)
    ]


@dataclass
class IngestSummary:
    files: int
    added: int
    kept: int
    removed: int
    sentences_embedded: int
    seconds: float

    def __str__(self) -> str:
        return (
            f"Ingested {self.files} files: {self.added} chunks added, {self.kept} kept, "
            f"{self.removed} removed, {self.sentences_embedded} sentences embedded "
            f"in {self.seconds:.1f} s"
        )


async def _embed(
    embedder: Embedder,
    texts: list[str],
    what: str,
    progress: bool,
    cache: EmbeddingCache | None = None,
) -> list[list[float]]:
    """The vectors of `texts`, from the cache where it has them."""
    known = cache.get_many(texts) if cache else {}
    missing = list(dict.fromkeys(text for text in texts if text not in known))
    batches = range(0, len(missing), EMBED_BATCH_SIZE)
    for start in tqdm(batches, desc=what, unit="batch", disable=not progress or not missing):
        batch = missing[start : start + EMBED_BATCH_SIZE]
        embedded = dict(zip(batch, await embedder.embed_documents(batch), strict=True))
        known.update(embedded)
        if cache:
            cache.put_many(embedded)
    return [known[text] for text in texts]


async def ingest(
    database_url: str,
    embedder: Embedder,
    documents: list[Document],
    progress: bool = True,
    cache_path: Path | None = None,
) -> IngestSummary:
    """Bring the knowledge_chunks and knowledge_sentences tables in line with `documents`.

    With `cache_path`, vectors already computed for the same text and
    embedding (for another database) are reused instead of embedded again.
    """
    started = time.monotonic()
    chunks = {
        chunk.content_hash: chunk
        for doc in documents
        if doc.kind not in NOT_SEARCHABLE_KINDS
        for chunk in chunk_document(doc)
    }
    space = (embedder.provider, embedder.model, embedder.dimension)
    cache = EmbeddingCache(cache_path, space) if cache_path else None
    async with await psycopg.AsyncConnection.connect(database_url) as conn:
        await register_vector_async(conn)
        rows = await (
            await conn.execute(
                "SELECT id, content_hash, embedding_provider, embedding_model, embedding_dim"
                " FROM knowledge_chunks"
            )
        ).fetchall()
        stale = [row[0] for row in rows if row[1] not in chunks or tuple(row[2:]) != space]
        kept = {row[1] for row in rows if row[1] in chunks and tuple(row[2:]) == space}
        new = [chunk for digest, chunk in chunks.items() if digest not in kept]
        vectors = await _embed(embedder, [c.embedding_text for c in new], "Chunks", progress, cache)

        async with conn.transaction():
            if stale:
                await conn.execute("DELETE FROM knowledge_chunks WHERE id = ANY(%s)", (stale,))
            async with conn.cursor() as cursor:
                await cursor.executemany(
                    "INSERT INTO knowledge_chunks (content_hash, doc_path, kind, title,"
                    " heading, destination, metadata, content, embedding_provider,"
                    " embedding_model, embedding_dim, embedding)"
                    " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
                    [
                        (
                            c.content_hash,
                            c.doc_path,
                            c.kind,
                            c.title,
                            c.heading,
                            c.destination,
                            json.dumps(c.metadata),
                            c.content,
                            *space,
                            np.asarray(vector, dtype=np.float32),
                        )
                        for c, vector in zip(new, vectors, strict=True)
                    ],
                )
            sentences_embedded = await _sync_sentences(conn, embedder, chunks, progress, cache)
    return IngestSummary(
        files=len(documents),
        added=len(new),
        kept=len(kept),
        removed=len(stale),
        sentences_embedded=sentences_embedded,
        seconds=time.monotonic() - started,
    )


async def _sync_sentences(
    conn: psycopg.AsyncConnection,
    embedder: Embedder,
    chunks: dict[str, Chunk],
    progress: bool,
    cache: EmbeddingCache | None,
) -> int:
    """Split and embed the sentences of every chunk whose stored sentences are
    not its current ones: new chunks, chunks stored before sentences existed,
    and all chunks once after a change to how text is split into sentences."""
    stored: dict[int, list[str]] = {}
    for chunk_id, text in await (
        await conn.execute(
            "SELECT chunk_id, text FROM knowledge_sentences ORDER BY chunk_id, position"
        )
    ).fetchall():
        stored.setdefault(chunk_id, []).append(text)
    outdated = [
        (chunk_id, chunks[digest])
        for chunk_id, digest in await (
            await conn.execute("SELECT id, content_hash FROM knowledge_chunks")
        ).fetchall()
        if digest in chunks and stored.get(chunk_id) != chunks[digest].sentences
    ]
    rows = [
        (chunk_id, position, sentence)
        for chunk_id, chunk in outdated
        for position, sentence in enumerate(chunk.sentences)
    ]
    vectors = await _embed(embedder, [text for _, _, text in rows], "Sentences", progress, cache)
    async with conn.cursor() as cursor:
        await cursor.execute(
            "DELETE FROM knowledge_sentences WHERE chunk_id = ANY(%s)",
            ([chunk_id for chunk_id, _ in outdated],),
        )
        await cursor.executemany(
            "INSERT INTO knowledge_sentences (chunk_id, position, text, embedding)"
            " VALUES (%s, %s, %s, %s)",
            [
                (*row, np.asarray(vector, dtype=np.float32))
                for row, vector in zip(rows, vectors, strict=True)
            ],
        )
    return len(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m dovvybuddy.knowledge.ingest",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    args = parser.parse_args(argv)

    settings = load_settings()
    with running_database(settings) as database_url:
        summary = asyncio.run(
            ingest(
                database_url,
                embedder_for(settings),
                load_documents(),
                not args.quiet,
                settings.embedding_cache,
            )
        )
    print(summary, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
