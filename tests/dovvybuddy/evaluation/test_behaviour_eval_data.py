"""The behaviour evaluation set is large, balanced, well formed and not a copy of training data."""

import re
from collections import Counter

import numpy as np
import pytest
import yaml

from dovvybuddy.common.reports import SPLITS, split_of
from dovvybuddy.common.settings import PROJECT_ROOT, load_settings
from dovvybuddy.evaluation.behaviour import (
    EVAL_FILE,
    EVAL_FILES,
    TRIPS_EVAL_FILE,
    load_cases,
    load_items,
)
from dovvybuddy.knowledge.minilm import MiniLM

DATA = yaml.safe_load(EVAL_FILE.read_text())
ITEMS = DATA["items"]
# Trip matching, written blind and copied unchanged (no category or split of its own).
TRIP_ITEMS = yaml.safe_load(TRIPS_EVAL_FILE.read_text())["items"]
CATEGORIES = DATA["categories"]
# The categories where mistakes cost most get more messages.
LARGE_CATEGORIES = (
    "safety_question",
    "emergency_incident",
    "uncovered_place",
    "knowledge",
    "lead_training",
    "lead_trip",
)
NEAR_COPY_COSINE = 0.92
# `[text](entity)` and `[text]{"entity": ...}` annotations in Rasa's NLU examples.
_ANNOTATION = re.compile(r"\[([^\]]*)\](\([^)]*\)|\{[^}]*\})")


def training_examples() -> list[str]:
    """Every intent example of data/nlu/, with entity annotations reduced to their text."""
    examples = []
    for path in sorted((PROJECT_ROOT / "data" / "nlu").glob("*.yml")):
        for entry in yaml.safe_load(path.read_text()).get("nlu") or []:
            if "intent" not in entry:
                continue
            for line in str(entry.get("examples", "")).splitlines():
                line = line.strip()
                if line.startswith("- "):
                    examples.append(_ANNOTATION.sub(r"\1", line[2:]).strip())
    return examples


def near_copies(texts: list[str]) -> list[tuple[str, str, float]]:
    """Each text within NEAR_COPY_COSINE (MiniLM) of a training example, with it."""
    minilm = MiniLM()
    examples = training_examples()
    assert len(examples) > 500  # the loader found the training data
    ours = np.stack([e.sentence for e in minilm.embed(texts)])
    theirs = np.stack([e.sentence for e in minilm.embed(examples)])
    cosines = ours @ theirs.T
    nearest = cosines.argmax(axis=1)
    return [
        (texts[i], examples[nearest[i]], round(float(cosines[i, nearest[i]]), 3))
        for i in range(len(texts))
        if cosines[i, nearest[i]] > NEAR_COPY_COSINE
    ]


def test_the_set_has_at_least_420_messages():
    assert len(ITEMS) >= 420


def test_every_category_the_assistant_handles_has_at_least_20_messages():
    counts = Counter(item["category"] for item in ITEMS)
    assert set(counts) == set(CATEGORIES)
    assert min(counts.values()) >= 20, counts


@pytest.mark.parametrize("category", LARGE_CATEGORIES)
def test_the_costly_categories_have_at_least_30_messages(category):
    assert sum(item["category"] == category for item in ITEMS) >= 30


def test_no_message_appears_twice():
    texts = [item["text"].strip().lower() for item in ITEMS]
    assert [t for t, n in Counter(texts).items() if n > 1] == []


def test_every_message_fits_the_channel_length_limit():
    limit = load_settings().max_message_chars
    assert [item["text"] for item in ITEMS if len(item["text"]) > limit] == []


def test_each_items_split_is_the_parity_of_its_text_hash():
    assert [item["text"] for item in ITEMS if item["split"] != split_of(item["text"])] == []


def test_both_halves_hold_every_category():
    halves = {(item["category"], item["split"]) for item in ITEMS}
    assert {(category, split) for category in CATEGORIES for split in SPLITS} <= halves


def test_every_regex_compiles():
    for case in load_cases():
        for pattern in case.must + case.must_not:
            re.compile(pattern)


def test_no_message_is_a_near_copy_of_a_training_example():
    texts = [case.text for case in load_items(list(EVAL_FILES))]
    assert near_copies(texts) == []


def test_the_trip_matching_set_has_at_least_40_messages_in_both_halves():
    assert len(TRIP_ITEMS) >= 40
    assert {split_of(item["text"]) for item in TRIP_ITEMS} == set(SPLITS)


def test_no_message_appears_twice_in_any_set_or_across_them():
    texts = [case.text.strip().lower() for case in load_items(list(EVAL_FILES))]
    assert [t for t, n in Counter(texts).items() if n > 1] == []


def test_every_blind_set_loads_with_a_known_category_and_both_halves():
    for path in EVAL_FILES[1:]:
        cases = load_cases(path)
        assert len(cases) >= 40, path
        assert {case.split for case in cases} == set(SPLITS), path
        assert all(
            case.flow_any_of or case.flow_none_of or case.category == "trip_matching"
            for case in cases
        ), path
