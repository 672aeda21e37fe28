"""Embedders: the offline default and Gemini (against the fake server)."""

import dataclasses
import math

import pytest

from dovvybuddy.common.settings import load_settings
from dovvybuddy.knowledge.embeddings import (
    EMBEDDING_DIMENSION,
    GeminiEmbedder,
    LocalEmbedder,
    embedder_for,
)
from tests.fakes.gemini_server import embeddings


async def test_local_embedder_gives_unit_vectors_of_the_column_size():
    vectors = await LocalEmbedder().embed_documents(["mask clearing", "sipadan barracuda"])
    assert [len(v) for v in vectors] == [EMBEDDING_DIMENSION] * 2
    assert all(math.isclose(sum(x * x for x in v), 1.0, rel_tol=1e-3) for v in vectors)


async def test_local_embedder_puts_paraphrases_closer_than_unrelated_text():
    embedder = LocalEmbedder()
    question, paraphrase, unrelated = await embedder.embed_documents(
        ["my ears hurt when I go down", "equalising your ears on descent", "boat transfer times"]
    )

    def cosine(a, b):
        return sum(x * y for x, y in zip(a, b, strict=True))

    assert cosine(question, paraphrase) > cosine(question, unrelated)


async def test_gemini_embedder_asks_for_the_column_size_and_task(gemini_settings, fake_gemini):
    fake_gemini.behaviours.append(embeddings(2))
    embedder = GeminiEmbedder(gemini_settings)

    vectors = await embedder.embed_documents(["a", "b"])

    assert [len(v) for v in vectors] == [EMBEDDING_DIMENSION] * 2
    path, body = fake_gemini.requests[0]
    assert "gemini-embedding-001" in path
    assert body["requests"][0]["outputDimensionality"] == EMBEDDING_DIMENSION
    assert body["requests"][0]["taskType"] == "RETRIEVAL_DOCUMENT"


async def test_gemini_embedder_refuses_vectors_of_the_wrong_size(gemini_settings, fake_gemini):
    fake_gemini.behaviours.append(embeddings(1, dimension=768))
    with pytest.raises(ValueError, match="wrong number or size"):
        await GeminiEmbedder(gemini_settings).embed_query("a")


def test_the_provider_is_chosen_by_configuration(gemini_settings):
    assert isinstance(embedder_for(load_settings()), LocalEmbedder)
    gemini = dataclasses.replace(gemini_settings, embedding_provider="gemini")
    assert isinstance(embedder_for(gemini), GeminiEmbedder)
    with pytest.raises(ValueError, match="DOVVY_EMBEDDING_PROVIDER"):
        embedder_for(dataclasses.replace(gemini_settings, embedding_provider="other"))
