"""The held-out safety sets are well formed and new.

eval/data/safety/held_out/ holds phrases written fresh for a blind score of the
safety rules and classifier (see its README.md). These tests read no rule and run
no model: they check that each set is big enough, has no repeats within or across
the held-out files, and shares no phrase with the training data under data/ or
with the other evaluation sets, so a score on it measures generalisation.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from itertools import combinations
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
SAFETY_DATA = ROOT / "eval" / "data" / "safety"
HELD_OUT = SAFETY_DATA / "held_out"

# file -> section -> minimum number of phrases
MINIMUM_COUNTS = {
    "emergency.yml": {"phrases": 70},
    "safety_questions.yml": {"questions": 70, "fears": 15, "course": 12, "trips": 12},
    "ordinary.yml": {"phrases": 70},
}
MIN_WORDS, MAX_WORDS = 3, 40


def normalise(text: str) -> str:
    """Case-, punctuation- and spacing-insensitive form of a phrase."""
    text = unicodedata.normalize("NFKC", text).casefold()
    text = re.sub(r"['’`]", "", text)
    text = re.sub(r"[^\w]+", " ", text)
    return " ".join(text.split())


def load_held_out() -> dict[str, dict[str, list[str]]]:
    return {
        name: yaml.safe_load((HELD_OUT / name).read_text(encoding="utf-8"))
        for name in MINIMUM_COUNTS
    }


def held_out_items() -> list[tuple[str, str]]:
    """(where, phrase) for every held-out phrase."""
    return [
        (f"{name}:{section}", phrase)
        for name, sections in load_held_out().items()
        for section, phrases in sections.items()
        for phrase in phrases
    ]


def strings_in(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from strings_in(item)
    elif isinstance(value, list):
        for item in value:
            yield from strings_in(item)


ANNOTATION = re.compile(r"\[([^\]]*)\](?:\([^)]*\)|\{[^}]*\})")


def training_phrases() -> set[str]:
    """Normalised user phrases of every YAML file under data/.

    Rasa keeps examples as "- text" lines inside block strings and story turns as
    "user: text"; entity annotations [text](entity) are reduced to their text.
    """
    phrases: set[str] = set()
    for path in sorted((ROOT / "data").rglob("*.y*ml")):
        for line in path.read_text(encoding="utf-8").splitlines():
            match = re.match(r"\s*(?:-|user:)\s+(.*\S)", line)
            if match:
                phrases.add(normalise(ANNOTATION.sub(r"\1", match.group(1))))
    phrases.discard("")
    return phrases


def other_evaluation_phrases() -> set[str]:
    """Normalised strings of the other safety sets and the NLU test set."""
    paths = [*sorted(SAFETY_DATA.glob("*.yml")), ROOT / "eval" / "data" / "nlu_test.yml"]
    phrases: set[str] = set()
    for path in paths:
        if not path.exists():
            continue
        text = path.read_text(encoding="utf-8")
        phrases.update(normalise(s) for s in strings_in(yaml.safe_load(text)))
        for line in text.splitlines():
            match = re.match(r"\s*-\s+(.*\S)", line)
            if match:
                phrases.add(normalise(ANNOTATION.sub(r"\1", match.group(1))))
    phrases.discard("")
    return phrases


@pytest.mark.parametrize("name", sorted(MINIMUM_COUNTS))
def test_each_file_is_marked_held_out_with_its_writing_date(name: str) -> None:
    header = (HELD_OUT / name).read_text(encoding="utf-8").split("\n\n", 1)[0]
    assert header.startswith("#")
    assert "HELD-OUT" in header
    assert re.search(r"\b20\d\d-\d\d-\d\d\b", header), "header must say when it was written"


@pytest.mark.parametrize("name", sorted(MINIMUM_COUNTS))
def test_sections_are_present_and_big_enough(name: str) -> None:
    sections = load_held_out()[name]
    assert set(sections) == set(MINIMUM_COUNTS[name])
    for section, minimum in MINIMUM_COUNTS[name].items():
        phrases = sections[section]
        assert all(isinstance(p, str) and p.strip() for p in phrases), (name, section)
        assert len(phrases) >= minimum, f"{name}:{section} has {len(phrases)} < {minimum}"


def test_safety_questions_use_the_same_sections_as_the_tuned_set() -> None:
    tuned = yaml.safe_load((SAFETY_DATA / "safety_questions.yml").read_text(encoding="utf-8"))
    assert set(load_held_out()["safety_questions.yml"]) == set(tuned)


def test_phrases_have_a_plausible_length() -> None:
    wrong = [
        (where, phrase)
        for where, phrase in held_out_items()
        if not MIN_WORDS <= len(phrase.split()) <= MAX_WORDS
    ]
    assert not wrong, wrong


def test_no_phrase_repeats_within_or_across_held_out_files() -> None:
    seen: dict[str, str] = {}
    repeats = []
    for where, phrase in held_out_items():
        key = normalise(phrase)
        if key in seen:
            repeats.append((seen[key], where, phrase))
        seen.setdefault(key, where)
    assert not repeats, repeats


def test_no_two_phrases_differ_by_a_single_word() -> None:
    items = [(where, normalise(phrase).split()) for where, phrase in held_out_items()]
    near = [
        (a_where, " ".join(a), b_where, " ".join(b))
        for (a_where, a), (b_where, b) in combinations(items, 2)
        if len(a) == len(b) and sum(x != y for x, y in zip(a, b, strict=True)) <= 1
    ]
    assert not near, near


def test_normalise_ignores_case_punctuation_and_spacing() -> None:
    assert normalise("  Can't   BREATHE!! ") == normalise("cant breathe")
    assert normalise("[Sipadan](destination) trip") != ""
    assert ANNOTATION.sub(r"\1", "dive in [Sipadan](destination)") == "dive in Sipadan"
    assert normalise("chest pain") != normalise("chest pains")


def test_training_data_is_found() -> None:
    # Guards the overlap test below against passing because nothing was read.
    assert len(training_phrases()) > 500


def test_no_held_out_phrase_is_in_the_training_data() -> None:
    training = training_phrases()
    shared = [(w, p) for w, p in held_out_items() if normalise(p) in training]
    assert not shared, shared


def test_no_held_out_phrase_is_in_another_evaluation_set() -> None:
    others = other_evaluation_phrases()
    assert len(others) > 300
    shared = [(w, p) for w, p in held_out_items() if normalise(p) in others]
    assert not shared, shared
