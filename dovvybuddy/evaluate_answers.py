"""Answer benchmark: `make eval-answers`.

Asks every question of tests/data/answer_eval.yml through the same Answerer
the action server uses, against the ingested knowledge base, and checks the
reply: the facts it must contain, what it must not contain, and that it cites
the expected document. Scores the offline extractive mode always, and Gemini
too when GEMINI_API_KEY is set. Prints the scores and writes
reports/answers.json.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import json
import statistics
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import yaml

from actions.answering import Answerer
from actions.services.embeddings import embedder_for
from actions.services.gemini import ConversationContext, GeminiAnswerWriter
from actions.services.knowledge_store import KnowledgeStore, connection_pool
from dovvybuddy.ingest import ingest
from dovvybuddy.knowledge import load_documents
from dovvybuddy.reports import write_report
from dovvybuddy.settings import PROJECT_ROOT, Settings, load_settings
from dovvybuddy.stack import running_database

EVAL_FILE = PROJECT_ROOT / "tests" / "data" / "answer_eval.yml"
REPORT_FILE = PROJECT_ROOT / "reports" / "answers.json"


@dataclass(frozen=True)
class AnswerCase:
    question: str
    must_contain_any: tuple[tuple[str, ...], ...]
    must_not_contain: tuple[str, ...]
    expected_source: str


@dataclass(frozen=True)
class Verdict:
    facts_found: int
    facts_total: int
    forbidden_found: tuple[str, ...]
    cites_expected_source: bool
    answered: bool

    @property
    def passed(self) -> bool:
        return (
            self.answered
            and self.facts_found == self.facts_total
            and not self.forbidden_found
            and self.cites_expected_source
        )


def load_cases(path: Path = EVAL_FILE) -> list[AnswerCase]:
    entries = yaml.safe_load(path.read_text())["questions"]
    return [
        AnswerCase(
            question=e["question"],
            must_contain_any=tuple(tuple(str(v) for v in group) for group in e["must_contain_any"]),
            must_not_contain=tuple(str(v) for v in e.get("must_not_contain", [])),
            expected_source=e["expected_source"],
        )
        for e in entries
    ]


def judge(case: AnswerCase, answer: str | None, expected_title: str) -> Verdict:
    """Check one answer against its case (case-insensitive substring checks)."""
    text = (answer or "").lower()
    body, _, sources = text.rpartition("\nsource")
    return Verdict(
        facts_found=sum(
            1 for group in case.must_contain_any if any(v.lower() in text for v in group)
        ),
        facts_total=len(case.must_contain_any),
        forbidden_found=tuple(v for v in case.must_not_contain if v.lower() in body),
        cites_expected_source=expected_title.lower() in sources,
        answered=answer is not None,
    )


async def run_mode(answerer: Answerer, cases: list[AnswerCase], titles: dict[str, str]) -> dict:
    verdicts, seconds, failures = [], [], []
    for number, case in enumerate(cases):
        started = time.perf_counter()
        answer = await answerer.answer(
            case.question, ConversationContext(profile={}, history=[]), f"eval-{number}"
        )
        seconds.append(time.perf_counter() - started)
        verdict = judge(case, answer, titles[case.expected_source])
        verdicts.append(verdict)
        if not verdict.passed:
            failures.append(
                {
                    "question": case.question,
                    "answer": answer,
                    "verdict": dataclasses.asdict(verdict),
                }
            )
    ordered = sorted(seconds)
    return {
        "questions": len(cases),
        "passed": round(sum(v.passed for v in verdicts) / len(cases), 4),
        "fact_recall": round(
            sum(v.facts_found for v in verdicts) / sum(v.facts_total for v in verdicts), 4
        ),
        "source_accuracy": round(sum(v.cites_expected_source for v in verdicts) / len(cases), 4),
        "forbidden_content": sum(bool(v.forbidden_found) for v in verdicts),
        "unanswered": sum(not v.answered for v in verdicts),
        "latency_ms": {
            "p50": round(1000 * statistics.median(ordered), 1),
            "p95": round(1000 * ordered[round(0.95 * (len(ordered) - 1))], 1),
        },
        "failures": failures,
    }


async def run_benchmark(database_url: str, settings: Settings) -> dict:
    embedder = embedder_for(settings)
    documents = load_documents()
    await ingest(database_url, embedder, documents, progress=False)
    titles = {document.path: document.title for document in documents}
    cases = load_cases()
    store = KnowledgeStore(
        connection_pool(database_url), embedder, settings.retrieval_min_similarity
    )
    report: dict = {}
    try:
        await embedder.embed_query("warm up")
        report["offline_extractive"] = await run_mode(
            Answerer(store, None, settings), cases, titles
        )
        if settings.gemini_api_key:
            unlimited = dataclasses.replace(
                settings, llm_calls_per_minute=10_000, llm_calls_per_conversation_per_minute=10_000
            )
            writer = GeminiAnswerWriter(unlimited, unlimited.answer_max_words)
            report["gemini"] = await run_mode(Answerer(store, writer, unlimited), cases, titles)
    finally:
        await store.close()
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m dovvybuddy.evaluate_answers", description=__doc__
    )
    parser.parse_args(argv)
    settings = load_settings()
    with running_database(settings) as database_url:
        report = asyncio.run(run_benchmark(database_url, settings))
    write_report(REPORT_FILE, report)
    summary = {
        mode: {key: value for key, value in scores.items() if key != "failures"}
        | {"failures": len(scores["failures"])}
        for mode, scores in report.items()
    }
    print(json.dumps(summary, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
