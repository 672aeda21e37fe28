"""The offline answer: the sentences that answer the question, quoted, with their source.

Used when no Gemini key is configured and whenever Gemini fails, so every
question that retrieval can answer gets a grounded reply without a model.
`actions.answer_evidence` chooses the sentences.
"""

from __future__ import annotations

from dovvybuddy.answering.evidence import Evidence
from dovvybuddy.knowledge.passages import Passage


def cite(passages: list[Passage]) -> str:
    """The 'Source' line: the distinct document titles, best first."""
    titles = list(dict.fromkeys(p.title for p in passages))
    label = "Source" if len(titles) == 1 else "Sources"
    return f"{label}: {'; '.join(titles)}"


def extractive_answer(evidence: Evidence) -> str:
    """The evidence sentences, in the guide's order, and the guide they come from."""
    return f"{evidence.text}\n{cite([evidence.passage])}"
