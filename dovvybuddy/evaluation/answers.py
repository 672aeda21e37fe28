"""Answer benchmark: `make eval-answers`.

Asks every question of eval/data/answer_eval.yml through the same Answerer
the action server uses, against the ingested knowledge base, and checks the
reply: the facts it must contain (in the answer, not its Source line), what
it must not contain, and what it cites. An answer passes when it states the
facts, says nothing forbidden, and cites a guide that states those facts: the
expected document or another guide saying the same (the knowledge base has
overlapping guides, such as a course page and the course FAQ). How often the
expected document itself is cited is reported as `source_accuracy`. Scores the
offline extractive mode always, and Gemini too when GEMINI_API_KEY is set,
overall, per kind of expected document and per half (`tuning`, the only half
looked at when tuning answer selection, and `held_out`). Counts answers that
cite a partner page: partner pages route leads and never answer a question.
Prints the scores and writes reports/answers.json.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import json
import statistics
import sys
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from dovvybuddy.answering.answerer import Answerer
from dovvybuddy.answering.gemini import ConversationContext, GeminiAnswerWriter
from dovvybuddy.common.reports import SPLITS, Split, split_of, write_report
from dovvybuddy.common.settings import PROJECT_ROOT, Settings, load_settings
from dovvybuddy.database.server import running_database
from dovvybuddy.knowledge.documents import Document, load_documents
from dovvybuddy.knowledge.embeddings import embedder_for
from dovvybuddy.knowledge.ingest import ingest, key_facts
from dovvybuddy.knowledge.store import KnowledgeStore, connection_pool

EVAL_FILE = PROJECT_ROOT / "eval" / "data" / "answer_eval.yml"
REPORT_FILE = PROJECT_ROOT / "reports" / "answers.json"


@dataclass(frozen=True)
class AnswerCase:
    question: str
    must_contain_any: tuple[tuple[str, ...], ...]
    must_not_contain: tuple[str, ...]
    expected_source: str

    @property
    def split(self) -> Split:
        return split_of(self.question)


@dataclass(frozen=True)
class Verdict:
    facts_found: int
    facts_total: int
    forbidden_found: tuple[str, ...]
    cites_expected_source: bool
    citation_states_facts: bool
    cites_partner: bool
    answered: bool

    @property
    def passed(self) -> bool:
        return (
            self.answered
            and self.facts_found == self.facts_total
            and not self.forbidden_found
            and not self.cites_partner
            and (self.cites_expected_source or self.citation_states_facts)
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


def states_facts(case: AnswerCase, text: str) -> bool:
    """Whether `text` has one of the strings of every fact group."""
    lowered = text.lower()
    return all(any(v.lower() in lowered for v in group) for group in case.must_contain_any)


def judge(
    case: AnswerCase,
    answer: str | None,
    expected_title: str,
    partner_titles: Iterable[str] = (),
    guides: Mapping[str, str] | None = None,
) -> Verdict:
    """Check one answer against its case (case-insensitive substring checks).

    Facts are looked for in the answer itself, not in its Source line: a
    document's title naming a fact does not make the answer state it.
    `guides` maps each document title to its text, to tell whether a cited
    guide other than the expected one states the facts.
    """
    text = (answer or "").lower()
    body, _, sources = text.rpartition("\nsource")
    if not sources:
        body = text
    cited = [t for t in (guides or {}) if t.lower() in sources]
    return Verdict(
        facts_found=sum(
            1 for group in case.must_contain_any if any(v.lower() in body for v in group)
        ),
        facts_total=len(case.must_contain_any),
        forbidden_found=tuple(v for v in case.must_not_contain if v.lower() in body),
        cites_expected_source=expected_title.lower() in sources,
        citation_states_facts=any(states_facts(case, (guides or {})[t]) for t in cited),
        cites_partner=any(title.lower() in sources for title in partner_titles),
        answered=answer is not None,
    )


def scores(verdicts: list[Verdict]) -> dict[str, Any]:
    """Pass rate and its parts for a set of verdicts."""
    if not verdicts:
        return {"questions": 0}
    return {
        "questions": len(verdicts),
        "passed": round(sum(v.passed for v in verdicts) / len(verdicts), 4),
        "fact_recall": round(
            sum(v.facts_found for v in verdicts) / sum(v.facts_total for v in verdicts), 4
        ),
        "source_accuracy": round(sum(v.cites_expected_source for v in verdicts) / len(verdicts), 4),
        "forbidden_content": sum(bool(v.forbidden_found) for v in verdicts),
        "cites_partner_page": sum(v.cites_partner for v in verdicts),
        "unanswered": sum(not v.answered for v in verdicts),
    }


async def run_mode(
    answerer: Answerer, cases: list[AnswerCase], documents: dict[str, Document]
) -> dict[str, Any]:
    partner_titles = [d.title for d in documents.values() if d.kind == "partner"]
    guides = {d.title: f"{d.body} {key_facts(d) or ''}" for d in documents.values()}
    judged: list[tuple[AnswerCase, Verdict]] = []
    seconds, failures = [], []
    for number, case in enumerate(cases):
        started = time.perf_counter()
        answer = await answerer.answer(
            case.question, ConversationContext(profile={}, history=[]), f"eval-{number}"
        )
        seconds.append(time.perf_counter() - started)
        verdict = judge(case, answer, documents[case.expected_source].title, partner_titles, guides)
        judged.append((case, verdict))
        if not verdict.passed:
            failures.append(
                {
                    "question": case.question,
                    "split": case.split,
                    "expected_source": case.expected_source,
                    "answer": answer,
                    "verdict": dataclasses.asdict(verdict),
                }
            )
    kinds = sorted({documents[c.expected_source].kind for c, _ in judged})
    ordered = sorted(seconds)
    return {
        **scores([v for _, v in judged]),
        **{split: scores([v for c, v in judged if c.split == split]) for split in SPLITS},
        "by_kind": {
            kind: scores([v for c, v in judged if documents[c.expected_source].kind == kind])
            for kind in kinds
        },
        "latency_ms": {
            "p50": round(1000 * statistics.median(ordered), 1),
            "p95": round(1000 * ordered[round(0.95 * (len(ordered) - 1))], 1),
        },
        "failures": failures,
    }


async def run_benchmark(database_url: str, settings: Settings) -> dict:
    embedder = embedder_for(settings)
    documents = load_documents()
    await ingest(
        database_url, embedder, documents, progress=False, cache_path=settings.embedding_cache
    )
    by_path = {document.path: document for document in documents}
    cases = load_cases()
    store = KnowledgeStore(
        connection_pool(database_url), embedder, settings.retrieval_min_similarity
    )
    report: dict = {}
    try:
        await embedder.embed_query("warm up")
        report["offline_extractive"] = await run_mode(
            Answerer(store, None, settings), cases, by_path
        )
        if settings.gemini_api_key:
            unlimited = dataclasses.replace(
                settings, llm_calls_per_minute=10_000, llm_calls_per_conversation_per_minute=10_000
            )
            writer = GeminiAnswerWriter(unlimited, unlimited.answer_max_words)
            report["gemini"] = await run_mode(Answerer(store, writer, unlimited), cases, by_path)
    finally:
        await store.close()
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m dovvybuddy.evaluation.answers", description=__doc__
    )
    parser.parse_args(argv)
    settings = load_settings()
    with running_database(settings) as database_url:
        report = asyncio.run(run_benchmark(database_url, settings))
    write_report(REPORT_FILE, report)
    summary = {
        mode: {key: value for key, value in results.items() if key != "failures"}
        | {"failures": len(results["failures"])}
        for mode, results in report.items()
    }
    print(json.dumps(summary, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
