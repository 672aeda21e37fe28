"""The offline answer: the best passage's most relevant sentences, with its source.

Used when no Gemini key is configured and whenever Gemini fails, so every
question that retrieval can answer gets a grounded reply without a model.
"""

from __future__ import annotations

import re

from actions.services.knowledge_store import Passage

MAX_ANSWER_WORDS = 90
# Passages this close to the best one in similarity may supply the answer:
# the best-matching section is not always the one that holds the fact asked for.
SIMILARITY_MARGIN = 0.08
CANDIDATE_PASSAGES = 3
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"'(])")
_WORD = re.compile(r"[a-z0-9]+")
# Words too common in questions to say which sentence answers them.
_QUESTION_WORDS = frozenset(
    "a an and are can do does for how i if in is it me my of on or the to what when where "
    "which who why will with you your dive diver divers diving scuba".split()
)


def sentences(text: str) -> list[str]:
    """Whole sentences of a passage (list items and line breaks count as ends)."""
    pieces: list[str] = []
    for line in text.splitlines():
        line = line.strip().lstrip("-*").strip()
        if line:
            pieces.extend(s.strip() for s in _SENTENCE_END.split(line) if s.strip())
    return pieces


def _stems(text: str) -> set[str]:
    # A five-letter prefix is a cheap stemmer: "equalising" and "equalise" meet.
    return {w[:5] for w in _WORD.findall(text.lower()) if w not in _QUESTION_WORDS}


def _overlap(question_stems: set[str], sentence: str) -> int:
    return len(_stems(sentence) & question_stems)


def best_excerpt(question: str, text: str, max_words: int = MAX_ANSWER_WORDS) -> str:
    """The sentence that shares most words with the question, grown with its
    neighbours (in their original order) up to `max_words`."""
    parts = sentences(text)
    if not parts:
        return ""
    wanted = _stems(question)
    best = max(range(len(parts)), key=lambda i: (_overlap(wanted, parts[i]), -i))
    first = last = best
    words = len(parts[best].split())
    grew = True
    while grew:  # grow one sentence at a time, after before before, while it fits
        grew = False
        for index in (last + 1, first - 1):
            if 0 <= index < len(parts) and words + len(parts[index].split()) <= max_words:
                words += len(parts[index].split())
                first, last = min(first, index), max(last, index)
                grew = True
                break
    return " ".join(parts[first : last + 1])


def answering_passage(question: str, passages: list[Passage]) -> Passage:
    """The passage to quote: among those nearly as similar as the best, the one
    with the sentence that shares most words with the question (earlier wins ties)."""
    wanted = _stems(question)
    candidates = [
        p
        for p in passages[:CANDIDATE_PASSAGES]
        if p.similarity >= passages[0].similarity - SIMILARITY_MARGIN
    ]
    return max(
        enumerate(candidates),
        key=lambda item: (
            max((_overlap(wanted, s) for s in sentences(item[1].content)), default=0),
            -item[0],
        ),
    )[1]


def cite(passages: list[Passage]) -> str:
    """The 'Source' line: the distinct document titles, best first."""
    titles = list(dict.fromkeys(p.title for p in passages))
    label = "Source" if len(titles) == 1 else "Sources"
    return f"{label}: {'; '.join(titles)}"


def extractive_answer(question: str, passages: list[Passage]) -> str:
    """An answer quoted from the passage that best answers the question, cited."""
    chosen = answering_passage(question, passages)
    return f"{best_excerpt(question, chosen.content)}\n{cite([chosen])}"
