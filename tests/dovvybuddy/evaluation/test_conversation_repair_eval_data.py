"""The multi-turn conversation-repair dialogues are well formed and not copies of training data."""

import re

import pytest

from dovvybuddy.common.reports import SPLITS
from dovvybuddy.evaluation.dialogues import DIALOGUES_FILES, SUMMARY, load_dialogues
from tests.dovvybuddy.evaluation.test_behaviour_eval_data import near_copies

DIALOGUES = [d for path in DIALOGUES_FILES for d in load_dialogues(path)]
FIELDS = {
    "lead_name",
    "lead_email",
    "lead_phone",
    "certification_level",
    "course_of_interest",
    "destination",
    "preferred_dates",
    "group_size",
    "dive_count",
    "interests",
    "lead_message",
    "lead_consent",
}


@pytest.mark.parametrize("path", DIALOGUES_FILES, ids=lambda p: p.name)
def test_each_set_has_at_least_40_dialogues_in_both_halves(path):
    dialogues = load_dialogues(path)
    assert len(dialogues) >= 40
    assert {d.split for d in dialogues} == set(SPLITS)


def test_every_dialogue_id_is_unique_across_the_sets():
    assert len({d.id for d in DIALOGUES}) == len(DIALOGUES)


def test_interjections_name_a_question_or_the_summary_and_every_regex_compiles():
    for dialogue in DIALOGUES:
        for interjection in dialogue.interjections:
            assert interjection.when_asked in FIELDS | {SUMMARY}, dialogue.id
            for pattern in interjection.reply_must + interjection.reply_must_not:
                re.compile(pattern)
        for pattern in [*dialogue.expect.values(), *dialogue.expect_not.values()]:
            re.compile(pattern)


def test_no_diver_message_is_a_near_copy_of_a_training_example():
    said = sorted(
        {d.opening for d in DIALOGUES} | {i.say for d in DIALOGUES for i in d.interjections}
    )
    assert near_copies(said) == []
