"""Retrieval benchmark: `make eval-retrieval`.

Runs every question of tests/data/retrieval_eval.yml against the ingested
knowledge base in three modes (hybrid, vector-only, keyword-only) and prints
recall@1/3/5, MRR, no-answer accuracy and latency; the same figures go to
reports/retrieval.json, for the whole set and for its two halves.

The questions are split by a hash of their text into a tuning half and a
held-out half (`split_of`). The answerability weights and the relevance
cutoff are chosen on the tuning half only (`--fit` prints them); the
held-out figures are the honest estimate of how the check generalises.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import math
import statistics
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np
import yaml

from actions.services import answerability
from actions.services.answerability import Evidence
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
PROBABILITY_SWEEP = [round(0.30 + 0.05 * step, 2) for step in range(11)]
# L2 strength of the fitted logistic regression (as scikit-learn's C).
REGULARISATION_C = 10.0

Split = Literal["tuning", "held_out"]
SPLITS: tuple[Split, ...] = ("tuning", "held_out")


@dataclass(frozen=True)
class Question:
    text: str
    expected: frozenset[str]

    @property
    def split(self) -> Split:
        return split_of(self.text)


def split_of(text: str) -> Split:
    """The half a question belongs to, fixed by its text (adding questions moves none)."""
    return "tuning" if hashlib.sha256(text.encode()).digest()[0] % 2 == 0 else "held_out"


@dataclass(frozen=True)
class Outcome:
    """What one search returned: (document, best similarity) in rank order,
    and the answerability evidence for its best passages."""

    question: Question
    ranked_documents: tuple[tuple[str, float], ...]
    sql_seconds: float
    evidence: Evidence | None = None
    check_seconds: float = 0.0

    def documents_above(self, cutoff: float, check: bool = True) -> list[str]:
        """The documents a diver would get: none if the question is judged
        unanswerable (when `check`), else those reaching `cutoff`."""
        if check and self.evidence is not None and not self.evidence.answerable:
            return []
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


def score(outcomes: list[Outcome], cutoff: float, check: bool = True) -> dict[str, float]:
    """Recall@k and MRR over answerable questions, no-answer accuracy over the rest."""
    answerable = [o for o in outcomes if o.question.expected]
    unanswerable = [o for o in outcomes if not o.question.expected]
    ranks = []
    for outcome in answerable:
        documents = outcome.documents_above(cutoff, check)
        hits = [i for i, doc in enumerate(documents, 1) if doc in outcome.question.expected]
        ranks.append(hits[0] if hits else None)
    result = {
        f"recall@{k}": sum(1 for r in ranks if r is not None and r <= k) / len(ranks)
        for k in (1, 3, 5)
    }
    result["mrr"] = sum(1 / r for r in ranks if r is not None) / len(ranks)
    result["no_answer_accuracy"] = sum(
        1 for o in unanswerable if not o.documents_above(cutoff, check)
    ) / len(unanswerable)
    return {key: round(value, 4) for key, value in result.items()}


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def latency_ms(seconds: list[float]) -> dict[str, float]:
    return {
        "p50": round(1000 * statistics.median(seconds), 2),
        "p95": round(1000 * percentile(seconds, 0.95), 2),
    }


def in_split(outcomes: list[Outcome], split: Split) -> list[Outcome]:
    return [o for o in outcomes if o.question.split == split]


def scores_by_split(outcomes: list[Outcome], cutoff: float, check: bool = True) -> dict:
    """Overall, tuning and held-out figures, each with its latency."""
    report = {}
    for name, part in [("overall", outcomes)] + [(s, in_split(outcomes, s)) for s in SPLITS]:
        report[name] = {
            **score(part, cutoff, check),
            "sql_latency_ms": latency_ms([o.sql_seconds for o in part]),
            "answerability_latency_ms": latency_ms([o.check_seconds for o in part]),
        }
    return report


def fit_logistic_regression(
    features: np.ndarray, labels: np.ndarray, c: float = REGULARISATION_C
) -> tuple[float, np.ndarray]:
    """Intercept and weights minimising C * log-loss + |w|^2 / 2 (Newton's method)."""
    x = np.hstack([np.ones((len(features), 1)), features])
    theta = np.zeros(x.shape[1])
    penalty = np.eye(x.shape[1]) / c
    penalty[0, 0] = 0.0  # the intercept is not shrunk
    for _ in range(100):
        p = 1 / (1 + np.exp(-x @ theta))
        gradient = x.T @ (p - labels) + penalty @ theta
        hessian = (x.T * (p * (1 - p))) @ x + penalty
        step = np.linalg.solve(hessian, gradient)
        theta -= step
        if np.abs(step).max() < 1e-9:
            break
    return float(theta[0]), theta[1:]


def fit_answerability(outcomes: list[Outcome]) -> dict:
    """Weights and thresholds from the tuning half only.

    The regression learns from the tuning questions the unfamiliar-word rule
    lets through; the probability threshold is the one with the best balanced
    accuracy (answerable kept, unanswerable refused) on the tuning half, the
    lower one on a tie.
    """
    tuning = [o for o in in_split(outcomes, "tuning") if o.evidence is not None]
    judged = [o for o in tuning if not o.evidence.unfamiliar_words]  # type: ignore[union-attr]
    features = np.array([[o.evidence.similarity, o.evidence.coverage] for o in judged])  # type: ignore[union-attr]
    labels = np.array([1.0 if o.question.expected else 0.0 for o in judged])
    intercept, (similarity_weight, coverage_weight) = fit_logistic_regression(features, labels)

    def keeps(outcome: Outcome, threshold: float) -> bool:
        evidence = outcome.evidence
        assert evidence is not None
        logit = intercept + similarity_weight * evidence.similarity
        logit += coverage_weight * evidence.coverage
        return not evidence.unfamiliar_words and 1 / (1 + math.exp(-logit)) >= threshold

    def balanced_accuracy(threshold: float) -> float:
        answerable = [keeps(o, threshold) for o in tuning if o.question.expected]
        unanswerable = [not keeps(o, threshold) for o in tuning if not o.question.expected]
        return (statistics.mean(answerable) + statistics.mean(unanswerable)) / 2

    sweep = [
        {"min_probability": t, "balanced_accuracy": round(balanced_accuracy(t), 4)}
        for t in PROBABILITY_SWEEP
    ]
    best = max(sweep, key=lambda row: (row["balanced_accuracy"], -row["min_probability"]))
    return {
        "INTERCEPT": round(intercept, 2),
        "SIMILARITY_WEIGHT": round(float(similarity_weight), 2),
        "COVERAGE_WEIGHT": round(float(coverage_weight), 2),
        "MIN_PROBABILITY": best["min_probability"],
        "tuning_questions": len(tuning),
        "probability_sweep_on_tuning": sweep,
    }


async def run_benchmark(database_url: str) -> tuple[dict, list[Outcome]]:
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
        "splits": {
            split: {
                "questions": sum(1 for q in questions if q.split == split),
                "unanswerable_questions": sum(
                    1 for q in questions if q.split == split and not q.expected
                ),
            }
            for split in SPLITS
        },
        "embedder": f"{embedder.provider}/{embedder.model}",
        "min_similarity": cutoff,
        "answerability": {
            "evidence_passages": answerability.EVIDENCE_PASSAGES,
            "intercept": answerability.INTERCEPT,
            "similarity_weight": answerability.SIMILARITY_WEIGHT,
            "coverage_weight": answerability.COVERAGE_WEIGHT,
            "min_probability": answerability.MIN_PROBABILITY,
        },
        "embedding_latency_ms": latency_ms(embed_seconds),
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
                searched = time.perf_counter()
                evidence = store.assess(question.text, passages)
                checked = time.perf_counter()
                outcomes.append(
                    Outcome(
                        question,
                        rank_documents(passages),
                        searched - started,
                        evidence,
                        checked - searched,
                    )
                )
            outcomes_by_mode[mode] = outcomes
            report["modes"][mode] = scores_by_split(outcomes, cutoff)
    finally:
        await store.close()
    hybrid = outcomes_by_mode["hybrid"]
    report["hybrid_without_answerability_check"] = {
        name: score(part, cutoff, check=False)
        for name, part in [("overall", hybrid)] + [(s, in_split(hybrid, s)) for s in SPLITS]
    }
    report["hybrid_cutoff_sweep"] = [
        {
            "min_similarity": candidate,
            "tuning": score(in_split(hybrid, "tuning"), candidate),
            "cosine_cutoff_only_overall": score(hybrid, candidate, check=False),
        }
        for candidate in CUTOFF_SWEEP
    ]
    report["hybrid_misses"] = [
        {
            "question": o.question.text,
            "split": o.question.split,
            "expected": sorted(o.question.expected),
            "got": o.documents_above(cutoff)[:3],
            "similarity": round(o.evidence.similarity, 3) if o.evidence else None,
            "coverage": round(o.evidence.coverage, 3) if o.evidence else None,
            "unfamiliar_words": list(o.evidence.unfamiliar_words) if o.evidence else [],
        }
        for o in hybrid
        if (o.question.expected and not set(o.documents_above(cutoff)[:3]) & o.question.expected)
        or (not o.question.expected and o.documents_above(cutoff))
    ]
    return report, hybrid


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m dovvybuddy.evaluate_retrieval",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--fit",
        action="store_true",
        help="print answerability weights fitted on the tuning half (no report written)",
    )
    args = parser.parse_args(argv)
    with running_database(load_settings()) as database_url:
        report, hybrid = asyncio.run(run_benchmark(database_url))
    if args.fit:
        print(json.dumps(fit_answerability(hybrid), indent=2))
        return 0
    write_report(REPORT_FILE, report)
    summary = {
        key: value
        for key, value in report.items()
        if key not in ("hybrid_misses", "hybrid_cutoff_sweep")
    }
    summary["hybrid_misses"] = len(report["hybrid_misses"])
    print(json.dumps(summary, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
