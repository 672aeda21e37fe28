"""Checks on the offline answer benchmark, eval/data/answer_eval.yml.

The benchmark is read by `dovvybuddy/evaluation/answers.py`; these tests only
check the file itself against knowledge/ (no database, no model): every
expected source exists, the set is big enough and covers every kind of
document, questions are not copied from the guides, and no question is
asked twice.
"""

from __future__ import annotations

import re
from collections import Counter
from functools import cache
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[2]
EVAL_FILE = ROOT / "eval" / "data" / "answer_eval.yml"
KNOWLEDGE = ROOT / "knowledge"

MIN_QUESTIONS = 200
MIN_PER_KIND = 10
# Partner pages route leads; they are never the answer to a general question.
EXEMPT_KINDS = {"partner"}
# A question sharing this many consecutive words with a guide was copied from it.
COPY_WORDS = 6


@cache
def questions() -> list[dict[str, Any]]:
    return yaml.safe_load(EVAL_FILE.read_text())["questions"]


def front_matter(path: Path) -> dict[str, Any]:
    text = path.read_text()
    match = re.match(r"---\n(.*?)\n---\n", text, re.DOTALL)
    assert match, f"{path} has no front matter"
    return yaml.safe_load(match.group(1))


@cache
def knowledge_documents() -> dict[str, dict[str, Any]]:
    """Front matter of every knowledge document, by path under knowledge/."""
    return {
        path.relative_to(KNOWLEDGE).as_posix(): front_matter(path)
        for path in sorted(KNOWLEDGE.rglob("*.md"))
        if path.name != "README.md"
    }


def words(text: str) -> list[str]:
    """Lower-cased words with punctuation stripped ("don't" -> "dont")."""
    return re.findall(r"[a-z0-9]+", re.sub(r"['\u2019]", "", text.lower()))


def ngrams(tokens: list[str], size: int = COPY_WORDS) -> set[tuple[str, ...]]:
    return {tuple(tokens[i : i + size]) for i in range(len(tokens) - size + 1)}


@cache
def knowledge_ngrams() -> dict[tuple[str, ...], str]:
    """Every run of COPY_WORDS consecutive words in knowledge/*.md, with a file it is in."""
    found: dict[tuple[str, ...], str] = {}
    for path in sorted(KNOWLEDGE.rglob("*.md")):
        for gram in ngrams(words(path.read_text())):
            found.setdefault(gram, path.relative_to(KNOWLEDGE).as_posix())
    return found


def test_entries_are_well_formed() -> None:
    for entry in questions():
        assert set(entry) <= {
            "question",
            "must_contain_any",
            "must_not_contain",
            "expected_source",
        }, entry
        assert isinstance(entry["question"], str) and entry["question"].strip(), entry
        groups = entry["must_contain_any"]
        assert groups and len(groups) <= 3, entry["question"]
        for group in groups:
            assert group and all(isinstance(s, str) and s.strip() for s in group), entry["question"]
        assert all(isinstance(s, str) and s for s in entry.get("must_not_contain", [])), entry


def test_every_expected_source_exists() -> None:
    missing = sorted({e["expected_source"] for e in questions()} - set(knowledge_documents()))
    assert not missing, f"expected_source not under knowledge/: {missing}"


def test_enough_questions() -> None:
    assert len(questions()) >= MIN_QUESTIONS


def test_every_kind_of_document_is_asked_about() -> None:
    documents = knowledge_documents()
    counts = Counter(
        documents[e["expected_source"]]["kind"]
        for e in questions()
        if e["expected_source"] in documents
    )
    kinds = {meta["kind"] for meta in documents.values()} - EXEMPT_KINDS
    thin = {kind: counts[kind] for kind in sorted(kinds) if counts[kind] < MIN_PER_KIND}
    assert not thin, f"kinds with fewer than {MIN_PER_KIND} questions: {thin}"


def test_no_partner_page_is_an_expected_source() -> None:
    documents = knowledge_documents()
    partners = [
        e["question"]
        for e in questions()
        if documents.get(e["expected_source"], {}).get("kind") in EXEMPT_KINDS
    ]
    assert not partners


def test_questions_are_not_copied_from_the_guides() -> None:
    guide = knowledge_ngrams()
    copied = []
    for entry in questions():
        shared = [gram for gram in ngrams(words(entry["question"])) if gram in guide]
        if shared:
            copied.append((entry["question"], " ".join(shared[0]), guide[shared[0]]))
    assert not copied, f"questions sharing {COPY_WORDS} consecutive words with knowledge/: {copied}"


def test_no_duplicate_questions() -> None:
    seen = Counter(" ".join(words(e["question"])) for e in questions())
    duplicates = [question for question, count in seen.items() if count > 1]
    assert not duplicates, duplicates
