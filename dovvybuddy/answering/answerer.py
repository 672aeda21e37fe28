"""Answering a diver's question from the knowledge base.

Retrieval finds the passages; then either Gemini writes a short answer from
them (when GEMINI_API_KEY is set, within the rate limits, and only if the
answer passes the guardrails) or the extractive answer is used. Either way
the sources are cited and the diver never sees a failure.
"""

from __future__ import annotations

import logging
import time

from dovvybuddy.answering.evidence import Evidence, select_evidence
from dovvybuddy.answering.extractive import cite, extractive_answer
from dovvybuddy.answering.fact_notes import with_fact_notes
from dovvybuddy.answering.gemini import (
    ConversationContext,
    GeminiAnswerWriter,
    GeminiUnavailable,
    system_instruction,
)
from dovvybuddy.answering.guardrails import violations
from dovvybuddy.answering.llm_budget import TokenBudget
from dovvybuddy.answering.question_kinds import preferred_kinds
from dovvybuddy.common.rate_limit import SlidingWindowLimiter
from dovvybuddy.common.settings import Settings, load_settings
from dovvybuddy.knowledge.embeddings import embedder_for
from dovvybuddy.knowledge.passages import Passage
from dovvybuddy.knowledge.store import KnowledgeStore, connection_pool
from dovvybuddy.monitoring.metrics import ANSWERS, GEMINI_CALLS, RETRIEVAL_SECONDS

logger = logging.getLogger(__name__)
PASSAGES_PER_ANSWER = 4


class Answerer:
    """Turns a question into a grounded, cited answer (or None if nothing is relevant)."""

    def __init__(
        self, store: KnowledgeStore, writer: GeminiAnswerWriter | None, settings: Settings
    ) -> None:
        self.store = store
        self.writer = writer
        self.max_words = settings.answer_max_words
        self.per_conversation = SlidingWindowLimiter(settings.llm_calls_per_conversation_per_minute)
        self.overall = SlidingWindowLimiter(settings.llm_calls_per_minute)

    async def answer(
        self,
        question: str,
        context: ConversationContext,
        conversation_id: str,
        destination: str | None = None,
        topic_kinds: list[str] | None = None,
    ) -> str | None:
        """A cited answer, or None when the knowledge base has nothing relevant.

        With `topic_kinds`, the NLU has placed the question in a topic
        those documents cover, and they are searched first. With
        `destination`, passages about that destination are preferred. The
        whole knowledge base is searched when those have nothing relevant.
        """
        store = self.store
        started = time.monotonic()
        vector = await store.embedder.embed_query(question)  # once, for every search below
        passages = []
        if topic_kinds:
            passages = await store.search(
                question, vector, limit=PASSAGES_PER_ANSWER, kinds=topic_kinds, topic_in_scope=True
            )
        if destination and not passages:
            passages = await store.search(
                question, vector, limit=PASSAGES_PER_ANSWER, destination=destination
            )
        if not topic_kinds or not passages:
            # Guides about every destination (water temperature, fees) answer
            # for the one in focus too: they compete with its own passages.
            everywhere = await store.search(question, vector, limit=PASSAGES_PER_ANSWER)
            passages = _merged(passages, everywhere)
        if not passages:
            RETRIEVAL_SECONDS.observe(time.monotonic() - started)
            ANSWERS.labels("refused").inc()
            return None
        wanted_kinds = preferred_kinds(question)
        if wanted_kinds and not topic_kinds and passages[0].kind not in wanted_kinds:
            # The question is answerable; now make sure the kind of guide that
            # answers this kind of question is among the candidates.
            routed = await store.search(
                question,
                vector,
                limit=2,
                kinds=sorted(wanted_kinds),
                destination=destination,
                topic_in_scope=True,
            )
            passages = _merged(passages, routed)
        RETRIEVAL_SECONDS.observe(time.monotonic() - started)
        evidence = select_evidence(
            question, passages, store.vocabulary.question_word_weight, self.max_words, destination
        )
        generated = await self._generated_answer(
            question, evidence, passages, context, conversation_id
        )
        ANSWERS.labels("gemini" if generated else "extractive").inc()
        answer = generated or extractive_answer(evidence)
        return with_fact_notes(answer, question, [evidence.passage, *passages], destination)

    def _may_call_llm(self, conversation_id: str) -> bool:
        return self.per_conversation.allow(conversation_id) and self.overall.allow()

    async def _generated_answer(
        self,
        question: str,
        evidence: Evidence,
        passages: list[Passage],
        context: ConversationContext,
        conversation_id: str,
    ) -> str | None:
        if self.writer is None or not self._may_call_llm(conversation_id):
            return None
        try:
            text = await self.writer.write(question, evidence, passages, context)
        except GeminiUnavailable:
            return None
        problems = violations(text, passages, question, system_instruction(self.max_words))
        if problems:
            GEMINI_CALLS.labels("rejected").inc()
            logger.warning("generated answer rejected: %s", "; ".join(problems))
            return None
        return f"{trim_to_words(text, self.max_words)}\n{cite(passages[:2])}"


def _key(passage: Passage) -> tuple[str, str, str]:
    return (passage.doc_path, passage.heading, passage.content)


def _merged(first: list[Passage], more: list[Passage]) -> list[Passage]:
    """`first`, then the passages of `more` it does not already hold."""
    seen = {_key(p) for p in first}
    return first + [p for p in more if _key(p) not in seen]


def trim_to_words(text: str, max_words: int) -> str:
    """Cut `text` to at most `max_words` words, at a sentence end when possible."""
    words = text.split()
    if len(words) <= max_words:
        return text
    cut = " ".join(words[:max_words])
    end = max(cut.rfind(". "), cut.rfind("! "), cut.rfind("? "))
    return cut[: end + 1] if end > 0 else cut + "..."


_answerer: Answerer | None = None


def default_answerer() -> Answerer:
    """The process-wide answerer, built from the environment on first use."""
    global _answerer
    if _answerer is None:
        settings = load_settings()
        if not settings.database_url:
            raise RuntimeError("DATABASE_URL is not set")
        store = KnowledgeStore(
            connection_pool(settings.database_url),
            embedder_for(settings),
            settings.retrieval_min_similarity,
        )
        budget = TokenBudget(
            store.pool, settings.llm_daily_token_budget, settings.llm_cost_per_1k_tokens
        )
        writer = (
            GeminiAnswerWriter(settings, settings.answer_max_words, budget)
            if settings.gemini_api_key
            else None
        )
        _answerer = Answerer(store, writer, settings)
    return _answerer
