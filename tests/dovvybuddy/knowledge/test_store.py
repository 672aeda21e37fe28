"""Hybrid retrieval over the real knowledge base with the real offline embedder."""

import psycopg
import pytest
import pytest_asyncio

from dovvybuddy.common.settings import load_settings
from dovvybuddy.evaluation.retrieval import Outcome, load_questions, rank_documents, score
from dovvybuddy.knowledge.store import KnowledgeStore, connection_pool, keyword_terms
from tests import quality_gates as gates


@pytest.fixture
async def store(knowledge_url, embedder):
    knowledge = KnowledgeStore(
        connection_pool(knowledge_url), embedder, load_settings().retrieval_min_similarity
    )
    yield knowledge
    await knowledge.close()


async def test_a_course_question_finds_the_course(store):
    passages = await store.retrieve_passages("how long does the open water course take?")
    assert passages[0].doc_path == "certifications/open-water.md"
    assert passages[0].title.startswith("Open Water")


async def test_a_dive_site_question_finds_the_site_with_its_structured_fields(store):
    passages = await store.retrieve_passages("barracuda point current, is it hard?")
    top = passages[0]
    assert top.doc_path == "destinations/sipadan/sites/barracuda-point.md"
    assert top.metadata["min_certification"] == "advanced_open_water"
    assert top.destination == "sipadan"


async def test_filters_restrict_kind_and_destination(store):
    passages = await store.retrieve_passages(
        "beginner friendly reef", kinds=["dive_site"], destination="redang", limit=10
    )
    assert passages
    assert {p.kind for p in passages} == {"dive_site"}
    assert {p.destination for p in passages} == {"redang"}


async def test_a_fear_the_nlu_recognised_is_answered_from_the_comfort_guides(store):
    question = "I'm nervous about diving"
    passages = await store.retrieve_passages(question, kinds=["comfort"], topic_in_scope=True)
    assert passages and {p.kind for p in passages} == {"comfort"}


async def test_nothing_relevant_is_a_real_outcome(store):
    assert await store.retrieve_passages("how do I fix the brakes on my bicycle") == []


async def test_a_question_about_a_place_the_knowledge_base_never_mentions_finds_nothing(store):
    assert await store.retrieve_passages("is komodo good for diving in august") == []


async def test_a_covered_question_with_diver_shorthand_still_finds_its_passages(store):
    passages = await store.retrieve_passages("do i need AOW to dive barracuda point")
    assert "destinations/sipadan/sites/barracuda-point.md" in {p.doc_path for p in passages}


async def test_a_word_the_encoder_hardly_knows_is_answered_from_the_guides_that_use_it(store):
    # "Barotrauma" passages score low on cosine; the answerability verdict,
    # not the similarity cutoff, decides.
    passages = await store.retrieve_passages("what does barotrauma mean")
    assert passages
    assert "barotrauma" in passages[0].content.lower()


async def test_the_limit_does_not_change_the_answerability_verdict(store):
    question = "how many logged dives before i can start DM training"
    one = await store.retrieve_passages(question, limit=1)
    five = await store.retrieve_passages(question, limit=5)
    assert len(one) == 1
    assert one[0] == five[0]


async def test_typed_nonsense_and_stop_words_only_do_not_break_the_search(store):
    assert await store.retrieve_passages("the and of it") == []


async def test_sql_in_a_question_is_only_searched_for(store, knowledge_url):
    def chunk_count() -> int:
        with psycopg.connect(knowledge_url) as conn:
            return conn.execute("SELECT count(*) FROM knowledge_chunks").fetchone()[0]

    before = chunk_count()
    hostile = "how long is the open water course'); DROP TABLE knowledge_chunks; --"
    passages = await store.retrieve_passages(hostile)
    assert passages and passages[0].doc_path == "certifications/open-water.md"
    assert chunk_count() == before > 0


def test_keyword_terms_keep_only_plain_words_once():
    assert keyword_terms("Sipadan's permits?! sipadan & (drop)") == "sipadan | s | permits | drop"


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def held_out_metrics(knowledge_url, embedder):
    """The retrieval benchmark's figures on the held-out half of its questions, measured once."""
    store = KnowledgeStore(
        connection_pool(knowledge_url), embedder, load_settings().retrieval_min_similarity
    )
    outcomes = []
    try:
        for question in load_questions():
            if question.split != "held_out":
                continue
            vector = await embedder.embed_query(question.text)
            passages, evidence = await store.ranked_search(question.text, vector, limit=10)
            outcomes.append(Outcome(question, rank_documents(passages), 0.0, evidence))
    finally:
        await store.close()
    return score(outcomes, store.min_similarity)


def test_gate_held_out_recall_at_3_stays_above_its_floor(held_out_metrics):
    assert held_out_metrics["recall@3"] >= gates.RETRIEVAL_RECALL_AT_3_FLOOR, held_out_metrics


def test_gate_held_out_unanswerable_questions_stay_unanswered(held_out_metrics):
    assert held_out_metrics["no_answer_accuracy"] >= gates.RETRIEVAL_NO_ANSWER_FLOOR, (
        held_out_metrics
    )


def test_gate_held_out_answerable_questions_are_rarely_refused(held_out_metrics):
    assert held_out_metrics["false_refusals"] <= gates.RETRIEVAL_FALSE_REFUSALS_CEILING, (
        held_out_metrics
    )
