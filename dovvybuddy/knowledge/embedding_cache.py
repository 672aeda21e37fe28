"""Vectors of knowledge text already embedded, kept in a small SQLite file.

Ingesting the knowledge base into a new database (a managed Postgres, a
restored backup, each test stack's own) would otherwise embed every chunk and
every sentence again, about a minute on a laptop for the same numbers. A
vector is keyed by the embedding it came from (provider, model, dimension)
and the SHA-256 of the text, so a change to either simply misses.
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Iterable
from pathlib import Path

import numpy as np

Space = tuple[str, str, int]


def _key(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


class EmbeddingCache:
    """Stored vectors by embedding and text; safe for several processes at once."""

    def __init__(self, path: Path, space: Space) -> None:
        self.path = path
        self.space = "/".join(map(str, space))
        self.dimension = space[2]
        path.parent.mkdir(parents=True, exist_ok=True)
        with self._connect() as conn:
            conn.execute(
                "CREATE TABLE IF NOT EXISTS vectors (space TEXT NOT NULL, digest TEXT NOT NULL,"
                " vector BLOB NOT NULL, PRIMARY KEY (space, digest))"
            )

    def _connect(self) -> sqlite3.Connection:
        return sqlite3.connect(self.path, timeout=30)

    def get_many(self, texts: Iterable[str]) -> dict[str, list[float]]:
        """The stored vectors of those `texts` that have one."""
        wanted = {_key(text): text for text in texts}
        found: dict[str, list[float]] = {}
        with self._connect() as conn:
            for digest, blob in conn.execute(
                "SELECT digest, vector FROM vectors WHERE space = ?", (self.space,)
            ):
                if digest in wanted:
                    vector = np.frombuffer(blob, dtype=np.float32)
                    if len(vector) == self.dimension:
                        found[wanted[digest]] = vector.tolist()
        return found

    def put_many(self, vectors: dict[str, list[float]]) -> None:
        with self._connect() as conn:
            conn.executemany(
                "INSERT OR REPLACE INTO vectors (space, digest, vector) VALUES (?, ?, ?)",
                [
                    (self.space, _key(text), np.asarray(vector, dtype=np.float32).tobytes())
                    for text, vector in vectors.items()
                ],
            )
