"""Retrieval benchmark: `make eval-retrieval`.

Runs every question of eval/data/retrieval_eval.yml against the ingested
knowledge base in three modes (hybrid, vector-only, keyword-only) and prints
recall@1/3/5, MRR, no-answer accuracy, false refusals and latency; the same
figures go to reports/retrieval.json, for the whole set and for its two
halves. A false refusal is an answerable question the answerability check
refuses; besides the answerable questions of retrieval_eval.yml, the
questions of eval/data/answer_eval.yml (all answerable from the guides)
are counted, so the rate is measured on several hundred questions.

The questions are split by a hash of their text into a tuning half and a
held-out half (`split_of`). The answerability weights and the relevance
cutoff are chosen on the tuning halves only (`--fit` prints them); the
held-out figures are the honest estimate of how the check generalises.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import statistics
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import yaml

from dovvybuddy.common.reports import SPLITS, Split, split_of, write_report
from dovvybuddy.common.settings import PROJECT_ROOT, load_settings
from dovvybuddy.database.server import running_database
from dovvybuddy.knowledge import answerability
from dovvybuddy.knowledge.answerability import Evidence
from dovvybuddy.knowledge.documents import load_documents
from dovvybuddy.knowledge.embeddings import embedder_for
from dovvybuddy.knowledge.ingest import ingest
from dovvybuddy.knowledge.passages import Passage
from dovvybuddy.knowledge.store import KnowledgeStore, SearchMode, connection_pool

EVAL_FILE = PROJECT_ROOT / "eval" / "data" / "retrieval_eval.yml"
ANSWER_EVAL_FILE = PROJECT_ROOT / "eval" / "data" / "answer_eval.yml"
# The threshold refuses the most unanswerable tuning questions while refusing
# at most this share of the answerable ones.
FALSE_REFUSAL_TARGET = 0.04
REPORT_FILE = PROJECT_ROOT / "reports" / "retrieval.json"
MODES: tuple[SearchMode, ...] = ("hybrid", "vector", "keyword")
CUTOFF_SWEEP = [round(0.20 + 0.025 * step, 3) for step in range(15)]
PROBABILITY_SWEEP = [round(0.05 + 0.025 * step, 3) for step in range(33)]
# L2 strength of the fitted logistic regression (as scikit-learn's C).
REGULARISATION_C = 10.0


@dataclass(frozen=True)
class Question:
    text: str
    expected: frozenset[str]

    @property
    def split(self) -> Split:
        return split_of(self.text)


@dataclass(frozen=True)
class Outcome:
    """What one search returned: (document, best similarity) in rank order,
    and the answerability evidence for its best passages."""

    question: Question
    ranked_documents: tuple[tuple[str, float], ...]
    search_seconds: float
    evidence: Evidence | None = None

    def documents_above(self, cutoff: float, check: bool = True) -> list[str]:
        """The documents a diver would get: none if the question is judged
        unanswerable (when `check`), else those reaching `cutoff`."""
        if check and self.evidence is not None:
            # As KnowledgeStore.search: the verdict replaces the cutoff.
            return [doc for doc, _ in self.ranked_documents] if self.evidence.answerable else []
        return [doc for doc, similarity in self.ranked_documents if similarity >= cutoff]


def load_questions(path: Path = EVAL_FILE) -> list[Question]:
    entries = yaml.safe_load(path.read_text())["questions"]
    return [Question(e["question"], frozenset(e["expected"])) for e in entries]


def load_answer_questions(path: Path = ANSWER_EVAL_FILE) -> list[Question]:
    """The answer benchmark's questions, each answerable from its expected guide."""
    entries = yaml.safe_load(path.read_text())["questions"]
    return [Question(e["question"], frozenset([e["expected_source"]])) for e in entries]


def false_refusal_rate(outcomes: list[Outcome]) -> float | None:
    """The share of answerable questions the answerability check refuses."""
    answerable = [o for o in outcomes if o.question.expected and o.evidence is not None]
    if not answerable:
        return None
    return round(sum(not o.evidence.answerable for o in answerable) / len(answerable), 4)  # type: ignore[union-attr]


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
    if check:
        result["false_refusals"] = sum(
            1 for o in answerable if o.evidence is not None and not o.evidence.answerable
        ) / len(answerable)
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
            "search_latency_ms": latency_ms([o.search_seconds for o in part]),
        }
    return report


def fit_logistic_regression(
    features: np.ndarray, labels: np.ndarray, c: float = REGULARISATION_C
) -> tuple[float, np.ndarray]:
    """Intercept and weights minimising C * log-loss + |w|^2 / 2 (Newton's method).

    The classes weigh the same in the loss however many examples each has
    (answerable questions outnumber unanswerable ones several times over).
    """
    x = np.hstack([np.ones((len(features), 1)), features])
    positives = labels.sum()
    balance = np.where(
        labels == 1, len(labels) / (2 * positives), len(labels) / (2 * (len(labels) - positives))
    )
    theta = np.zeros(x.shape[1])
    penalty = np.eye(x.shape[1]) / c
    penalty[0, 0] = 0.0  # the intercept is not shrunk
    for _ in range(100):
        p = 1 / (1 + np.exp(-x @ theta))
        gradient = x.T @ (balance * (p - labels)) + penalty @ theta
        hessian = (x.T * (balance * p * (1 - p))) @ x + penalty
        step = np.linalg.solve(hessian, gradient)
        theta -= step
        if np.abs(step).max() < 1e-9:
            break
    return float(theta[0]), theta[1:]


def fit_answerability(outcomes: list[Outcome]) -> dict:
    """Weights and threshold from the tuning halves only.

    The regression learns from the tuning questions that name no uncovered
    place (the place rule refuses those on its own). The threshold is the
    one that refuses the most unanswerable tuning questions while refusing at
    most FALSE_REFUSAL_TARGET of the answerable ones (the lower one on a tie).
    """
    tuning = [o for o in in_split(outcomes, "tuning") if o.evidence is not None]
    judged = [o for o in tuning if o.evidence.uncovered_place is None]  # type: ignore[union-attr]
    features = np.array([o.evidence.features for o in judged])  # type: ignore[union-attr]
    labels = np.array([1.0 if o.question.expected else 0.0 for o in judged])
    intercept, weights = fit_logistic_regression(features, labels)

    def keeps(outcome: Outcome, threshold: float) -> bool:
        evidence = outcome.evidence
        assert evidence is not None
        logit = intercept + float(np.dot(weights, evidence.features))
        return evidence.uncovered_place is None and 1 / (1 + math.exp(-logit)) >= threshold

    def rates(threshold: float) -> dict[str, float]:
        answerable = [not keeps(o, threshold) for o in tuning if o.question.expected]
        unanswerable = [not keeps(o, threshold) for o in tuning if not o.question.expected]
        return {
            "min_probability": threshold,
            "false_refusals": round(statistics.mean(answerable), 4),
            "no_answer_accuracy": round(statistics.mean(unanswerable), 4),
        }

    sweep = [rates(t) for t in PROBABILITY_SWEEP]
    allowed = [row for row in sweep if row["false_refusals"] <= FALSE_REFUSAL_TARGET] or sweep[:1]
    best = max(allowed, key=lambda row: (row["no_answer_accuracy"], -row["min_probability"]))
    similarity, coverage, unfamiliar, sentence_similarity = (float(w) for w in weights)
    return {
        "INTERCEPT": round(intercept, 2),
        "SIMILARITY_WEIGHT": round(similarity, 2),
        "COVERAGE_WEIGHT": round(coverage, 2),
        "UNFAMILIAR_WEIGHT": round(unfamiliar, 2),
        "SENTENCE_SIMILARITY_WEIGHT": round(sentence_similarity, 2),
        "MIN_PROBABILITY": best["min_probability"],
        "tuning_questions": len(tuning),
        "probability_sweep_on_tuning": sweep,
    }


async def run_benchmark(database_url: str) -> tuple[dict, list[Outcome]]:
    settings = load_settings()
    embedder = embedder_for(settings)
    await ingest(
        database_url,
        embedder,
        load_documents(),
        progress=False,
        cache_path=settings.embedding_cache,
    )
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
            "unfamiliar_weight": answerability.UNFAMILIAR_WEIGHT,
            "sentence_similarity_weight": answerability.SENTENCE_SIMILARITY_WEIGHT,
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
                passages, evidence = await store.ranked_search(
                    question.text, vector, limit=10, mode=mode, rerank=mode == "hybrid"
                )
                seconds = time.perf_counter() - started
                outcomes.append(Outcome(question, rank_documents(passages), seconds, evidence))
            outcomes_by_mode[mode] = outcomes
            report["modes"][mode] = scores_by_split(outcomes, cutoff)
        answer_outcomes = []
        for question in load_answer_questions():
            vector = await embedder.embed_query(question.text)
            passages, evidence = await store.ranked_search(question.text, vector, limit=10)
            answer_outcomes.append(Outcome(question, rank_documents(passages), 0.0, evidence))
    finally:
        await store.close()
    report["false_refusals"] = {
        source: {
            name: false_refusal_rate(part)
            for name, part in [("overall", outcomes)] + [(s, in_split(outcomes, s)) for s in SPLITS]
        }
        for source, outcomes in (
            ("retrieval_eval", outcomes_by_mode["hybrid"]),
            ("answer_eval", answer_outcomes),
            ("both", outcomes_by_mode["hybrid"] + answer_outcomes),
        )
    }
    report["answer_eval_refused"] = [
        {"question": o.question.text, "split": o.question.split, "features": o.evidence.features}  # type: ignore[union-attr]
        for o in answer_outcomes
        if not o.evidence.answerable  # type: ignore[union-attr]
    ]
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
    return report, hybrid + answer_outcomes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m dovvybuddy.evaluation.retrieval",
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
        if key not in ("hybrid_misses", "hybrid_cutoff_sweep", "answer_eval_refused")
    }
    summary["hybrid_misses"] = len(report["hybrid_misses"])
    summary["answer_eval_refused"] = len(report["answer_eval_refused"])
    print(json.dumps(summary, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
