"""The NumPy MiniLM encoder gives the same vectors as sentence-transformers.

tests/data/minilm_reference.json holds sentence-transformers' vectors for a
few texts (how they were made is in the file); neither environment installs
sentence-transformers or torch any more.
"""

import json

import numpy as np
import pytest

from dovvybuddy.common.settings import PROJECT_ROOT
from dovvybuddy.knowledge.minilm import MAX_WORD_PIECES, MiniLM

REFERENCE = json.loads((PROJECT_ROOT / "tests" / "data" / "minilm_reference.json").read_text())
TEXTS = list(REFERENCE["vectors"])


@pytest.fixture(scope="module")
def minilm() -> MiniLM:
    return MiniLM()


def test_sentence_vectors_match_sentence_transformers(minilm):
    vectors = np.stack([embedding.sentence for embedding in minilm.embed(TEXTS)])
    reference = np.array([REFERENCE["vectors"][text] for text in TEXTS])
    assert "" in TEXTS  # an empty text is covered too
    cosines = (vectors * reference).sum(axis=1)
    assert cosines.min() > 0.9999, cosines
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)


def test_a_batch_gives_the_same_vectors_as_one_text_at_a_time(minilm):
    # Padding in a batch must not change a shorter text's vector.
    batched = minilm.embed(TEXTS)
    for text, embedding in zip(TEXTS, batched, strict=True):
        alone = minilm.embed([text])[0]
        assert np.allclose(alone.sentence, embedding.sentence, atol=1e-5)
        assert np.allclose(alone.word_pieces, embedding.word_pieces, atol=1e-4)


def test_word_pieces_carry_their_character_offsets(minilm):
    text = "Snorkelling at Tioman"
    embedding = minilm.embed([text])[0]
    assert embedding.word_pieces.shape == (len(embedding.offsets), minilm.dimensions)
    assert (
        "".join(text[start:end] for start, end in embedding.offsets).lower()
        == "snorkellingattioman"
    )


def test_span_vectors_average_the_pieces_of_each_token(minilm):
    text = "Snorkelling at Tioman"
    embedding = minilm.embed([text])[0]
    spans = [(0, 11), (12, 14), (15, 21), (30, 35)]
    rows = embedding.span_vectors(spans)
    assert rows.shape == (4, minilm.dimensions)
    first_word = [i for i, (start, end) in enumerate(embedding.offsets) if end <= 11]
    assert len(first_word) > 1  # "snorkelling" is several word pieces
    assert np.allclose(rows[0], embedding.word_pieces[first_word].mean(axis=0))
    assert not rows[3].any()  # a span outside the text gets zeros


def test_long_texts_are_truncated_not_refused(minilm):
    embedding = minilm.embed(["dive " * 2000])[0]
    assert len(embedding.offsets) == MAX_WORD_PIECES - 2  # [CLS] and [SEP] excluded
    assert np.isfinite(embedding.sentence).all()
