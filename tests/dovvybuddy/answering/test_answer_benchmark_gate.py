"""Quality gate: offline answers on the held-out half of the answer benchmark.

The same Answerer the action server uses answers each held-out question of
eval/data/answer_eval.yml from the real knowledge base; the verdicts are the
benchmark's (`dovvybuddy.evaluation.answers.judge`). The floor and its margin
are in tests/quality_gates.py.
"""

from dovvybuddy.answering.answerer import Answerer
from dovvybuddy.common.settings import load_settings
from dovvybuddy.evaluation.answers import load_cases, run_mode
from dovvybuddy.knowledge.documents import load_documents
from dovvybuddy.knowledge.store import KnowledgeStore, connection_pool
from tests import quality_gates as gates


async def test_gate_held_out_answers_pass_above_their_floor(knowledge_url, embedder):
    settings = load_settings()
    store = KnowledgeStore(
        connection_pool(knowledge_url), embedder, settings.retrieval_min_similarity
    )
    held_out = [case for case in load_cases() if case.split == "held_out"]
    documents = {document.path: document for document in load_documents()}
    try:
        results = await run_mode(Answerer(store, None, settings), held_out, documents)
    finally:
        await store.close()
    assert results["questions"] == len(held_out) >= 150
    assert results["forbidden_content"] == 0
    assert results["cites_partner_page"] == 0
    failed = [failure["question"] for failure in results["failures"]]
    assert results["passed"] >= gates.ANSWERS_PASS_FLOOR, (results["passed"], failed)
