"""The offline answer: the best passage's most relevant sentences, with its source.

Used when no Gemini key is configured and whenever Gemini fails, so every
question that retrieval can answer gets a grounded reply without a model.
"""

from __future__ import annotations

import re

from actions.services.knowledge_store import Passage

MAX_ANSWER_WORDS = 90
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"'(])")
_WORD = re.compile(r"[a-z0-9]+")
# Words too common in questions to say which sentence answers them.
_QUESTION_WORDS = frozenset(
    "a an and are can do does for how i if in is it me my of on or the to what when where "
    "which who why will with you your".split()
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


def best_excerpt(question: str, text: str, max_words: int = MAX_ANSWER_WORDS) -> str:
    """The sentence that shares most words with the question, grown with its
    neighbours (in their original order) up to `max_words`."""
    parts = sentences(text)
    if not parts:
        return ""
    wanted = _stems(question)
    best = max(range(len(parts)), key=lambda i: (len(_stems(parts[i]) & wanted), -i))
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


def cite(passages: list[Passage]) -> str:
    """The 'Source' line: the distinct document titles, best first."""
    titles = list(dict.fromkeys(p.title for p in passages))
    label = "Source" if len(titles) == 1 else "Sources"
    return f"{label}: {'; '.join(titles)}"


def extractive_answer(question: str, passages: list[Passage]) -> str:
    """An answer built only from the best passage, with its title cited."""
    top = passages[0]
    return f"{best_excerpt(question, top.content)}\n{cite([top])}"
