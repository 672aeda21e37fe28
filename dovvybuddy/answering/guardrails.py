"""Checks that code, not the prompt, enforces on every generated answer.

A generated answer is used only if it passes all of them; otherwise the
diver gets the extractive answer instead. The checks are deliberately
strict: a false alarm costs a less fluent answer, a miss could cost a diver.
"""

from __future__ import annotations

import re

from dovvybuddy.knowledge.passages import Passage

# Long enough to be distinctive, short enough to catch a paraphrased leak.
_LEAK_WINDOW_WORDS = 8
_NUMBER = re.compile(r"\d+(?:[.,]\d+)?")
_NAME = re.compile(r"\b[A-Z][a-z]{2,}(?:\s+[A-Z][a-z]{2,})*")
# Names an answer may use without them appearing in the passages.
ALWAYS_ALLOWED_NAMES = frozenset(
    {
        "DovvyBuddy",
        "Malaysia",
        "Malaysian",
        "Divers Alert Network",
        "Open Water",
        "Advanced",
        "Rescue",
        "Divemaster",
        "Nitrox",
        "Enriched Air",
        "Discover Scuba",
        "Try Scuba",
    }
)
COMMON_SENTENCE_STARTS = frozenset(
    "Yes No Absolutely Sure Great Good Generally Typically Usually Most Many Some Also "
    "However Please Before After During Both Each Every Your You This That These Those "
    "There They Then When While With Without For From Like Just Remember Always Never".split()
)


def _normalise(text: str) -> str:
    return " ".join(re.findall(r"[a-z0-9]+", text.lower()))


def leaks_system_prompt(answer: str, system_prompt: str) -> bool:
    """True if the answer repeats any run of words from the system prompt."""
    prompt_words = _normalise(system_prompt).split()
    answer_text = f" {_normalise(answer)} "
    return any(
        f" {' '.join(prompt_words[i : i + _LEAK_WINDOW_WORDS])} " in answer_text
        for i in range(len(prompt_words) - _LEAK_WINDOW_WORDS + 1)
    )


def ungrounded_numbers(answer: str, passages: list[Passage], question: str) -> set[str]:
    """Numbers in the answer that appear neither in the passages nor in the question.

    A number the model made up is exactly what a diver must never get: a depth,
    a time or a gas figure for their own dive.
    """
    known = set(_NUMBER.findall(question))
    for passage in passages:
        known.update(_NUMBER.findall(passage.content))
        known.update(_NUMBER.findall(passage.title))
    return set(_NUMBER.findall(answer)) - known


def ungrounded_names(answer: str, passages: list[Passage], question: str) -> set[str]:
    """Capitalised names (places, sites) in the answer that no passage or the question has.

    This is how an answer stays within the covered destinations: it may only
    name places the retrieved knowledge names.
    """
    grounding = " ".join([question, *(p.title + " " + p.content for p in passages)]).lower()
    # Sentence-initial words are checked too ("Bali is lovely..."): ordinary
    # words there are almost always in the grounding text anyway.
    names = {match.group(0) for match in _NAME.finditer(answer)}
    return {
        name
        for name in names
        if name not in ALWAYS_ALLOWED_NAMES
        and name.lower() not in grounding
        and name.split()[0] not in COMMON_SENTENCE_STARTS
    }


def violations(
    answer: str, passages: list[Passage], question: str, system_prompt: str
) -> list[str]:
    """Why the answer must not be sent (empty when it passes)."""
    problems = []
    if not answer.strip():
        problems.append("empty answer")
    if leaks_system_prompt(answer, system_prompt):
        problems.append("repeats the system prompt")
    if numbers := ungrounded_numbers(answer, passages, question):
        problems.append(f"numbers not in the passages: {sorted(numbers)}")
    if names := ungrounded_names(answer, passages, question):
        problems.append(f"names not in the passages: {sorted(names)}")
    return problems
