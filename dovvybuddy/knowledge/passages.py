"""What retrieval hands on: a passage of the knowledge base and its scored sentences.

Its own module so that the embedders, the answer writers and the evidence
selection can name a passage without importing the store (and the store
imports the embedders).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from dovvybuddy.knowledge.answerability import passage_text


@dataclass(frozen=True)
class Sentence:
    """One sentence of a passage and its cosine similarity to the question."""

    position: int
    text: str
    similarity: float


@dataclass(frozen=True)
class Passage:
    """A retrieved chunk with where it came from and how well it matched.

    `sentences` are the chunk's stored sentences scored against the question
    (empty for a passage built without the database).
    """

    doc_path: str
    kind: str
    title: str
    heading: str
    destination: str | None
    metadata: dict[str, Any]
    content: str
    similarity: float
    score: float
    chunk_id: int = 0
    sentences: tuple[Sentence, ...] = ()

    @property
    def text(self) -> str:
        """Title, heading, content and topics: what the answerability check reads."""
        return passage_text(
            self.title, self.heading, self.content, self.metadata.get("topics", ()), self.kind
        )
