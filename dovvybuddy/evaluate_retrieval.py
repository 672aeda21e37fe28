"""Retrieval benchmark: `make eval-retrieval`.

Runs every question of tests/data/retrieval_eval.yml against the ingested
knowledge base in three modes (hybrid, vector-only, keyword-only) and prints
recall@1/3/5, MRR, no-answer accuracy and query latency; the same figures go
to reports/retrieval.json. A sweep over relevance cutoffs shows why the
configured cutoff was chosen.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import yaml

from actions.services.embeddings import embedder_for
from actions.services.knowledge_store import (
    KnowledgeStore,
    Passage,
    SearchMode,
    connection_pool,
)
from dovvybuddy.ingest import ingest
from dovvybuddy.knowledge import load_documents
from dovvybuddy.reports import write_report
from dovvybuddy.settings import PROJECT_ROOT, load_settings
from dovvybuddy.stack import running_database

EVAL_FILE = PROJECT_ROOT / "tests" / "data" / "retrieval_eval.yml"
REPORT_FILE = PROJECT_ROOT / "reports" / "retrieval.json"
MODES: tuple[SearchMode, ...] = ("hybrid", "vector", "keyword")
CUTOFF_SWEEP = [round(0.20 + 0.025 * step, 3) for step in range(15)]


@dataclass(frozen=True)
class Question:
    text: str
    expected: frozenset[str]


@dataclass(frozen=True)
class Outcome:
    """What one search returned: (document, best similarity) in rank order."""

    question: Question
    ranked_documents: tuple[tuple[str, float], ...]
    sql_seconds: float

    def documents_above(self, cutoff: float) -> list[str]:
        return [doc for doc, similarity in self.ranked_documents if similarity >= cutoff]


def load_questions(path: Path = EVAL_FILE) -> list[Question]:
    entries = yaml.safe_load(path.read_text())["questions"]
    return [Question(e["question"], frozenset(e["expected"])) for e in entries]


def rank_documents(passages: list[Passage]) -> tuple[tuple[str, float], ...]:
    """Documents in the order of their first passage, with their best similarity."""
    best: dict[str, float] = {}
    for passage in passages:
        best[passage.doc_path] = max(best.get(passage.doc_path, -1.0), passage.similarity)
    return tuple(best.items())


def score(outcomes: list[Outcome], cutoff: float) -> dict[str, float]:
    """Recall@k and MRR over answerable questions, no-answer accuracy over the rest."""
    answerable = [o for o in outcomes if o.question.expected]
    unanswerable = [o for o in outcomes if not o.question.expected]
    ranks = []
    for outcome in answerable:
        documents = outcome.documents_above(cutoff)
        hits = [i for i, doc in enumerate(documents, 1) if doc in outcome.question.expected]
        ranks.append(hits[0] if hits else None)
    result = {
        f"recall@{k}": sum(1 for r in ranks if r is not None and r <= k) / len(ranks)
        for k in (1, 3, 5)
    }
    result["mrr"] = sum(1 / r for r in ranks if r is not None) / len(ranks)
    result["no_answer_accuracy"] = sum(
        1 for o in unanswerable if not o.documents_above(cutoff)
    ) / len(unanswerable)
    return {key: round(value, 4) for key, value in result.items()}


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


async def run_benchmark(database_url: str) -> dict:
    settings = load_settings()
    embedder = embedder_for(settings)
    await ingest(database_url, embedder, load_documents(), progress=False)
    questions = load_questions()

    await embedder.embed_query("warm up")
    embed_seconds, vectors = [], []
    for question in questions:
        started = time.perf_counter()
        vectors.append(await embedder.embed_query(question.text))
        embed_seconds.append(time.perf_counter() - started)

    store = KnowledgeStore(
        connection_pool(database_url), embedder, settings.retrieval_min_similarity
    )
    cutoff = settings.retrieval_min_similarity
    report: dict = {
        "questions": len(questions),
        "unanswerable_questions": sum(1 for q in questions if not q.expected),
        "embedder": f"{embedder.provider}/{embedder.model}",
        "min_similarity": cutoff,
        "embedding_latency_ms": {
            "p50": round(1000 * statistics.median(embed_seconds), 2),
            "p95": round(1000 * percentile(embed_seconds, 0.95), 2),
        },
        "modes": {},
    }
    outcomes_by_mode: dict[str, list[Outcome]] = {}
    try:
        for mode in MODES:
            outcomes = []
            for question, vector in zip(questions, vectors, strict=True):
                started = time.perf_counter()
                passages = await store.search(
                    question.text, vector, limit=10, mode=mode, apply_cutoff=False
                )
                elapsed = time.perf_counter() - started
                outcomes.append(Outcome(question, rank_documents(passages), elapsed))
            outcomes_by_mode[mode] = outcomes
            sql = [o.sql_seconds for o in outcomes]
            report["modes"][mode] = {
                **score(outcomes, cutoff),
                "sql_latency_ms": {
                    "p50": round(1000 * statistics.median(sql), 2),
                    "p95": round(1000 * percentile(sql, 0.95), 2),
                },
            }
    finally:
        await store.close()
    report["hybrid_cutoff_sweep"] = [
        {"min_similarity": candidate, **score(outcomes_by_mode["hybrid"], candidate)}
        for candidate in CUTOFF_SWEEP
    ]
    report["hybrid_misses"] = [
        {
            "question": o.question.text,
            "expected": sorted(o.question.expected),
            "got": o.documents_above(cutoff)[:3],
        }
        for o in outcomes_by_mode["hybrid"]
        if (o.question.expected and not set(o.documents_above(cutoff)[:3]) & o.question.expected)
        or (not o.question.expected and o.documents_above(cutoff))
    ]
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m dovvybuddy.evaluate_retrieval", description=__doc__
    )
    parser.parse_args(argv)
    with running_database(load_settings()) as database_url:
        report = asyncio.run(run_benchmark(database_url))
    write_report(REPORT_FILE, report)
    summary = {key: value for key, value in report.items() if key != "hybrid_misses"}
    summary["hybrid_misses"] = len(report["hybrid_misses"])
    print(json.dumps(summary, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
