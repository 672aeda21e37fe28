"""Checks every generated answer must pass before a diver sees it."""

from dovvybuddy.answering.gemini import system_instruction
from dovvybuddy.answering.guardrails import (
    leaks_system_prompt,
    ungrounded_names,
    ungrounded_numbers,
    violations,
)
from tests.conftest import make_passage

PASSAGES = [
    make_passage(
        "Tiger Reef at Tioman sits between 12 and 25 m. Open Water divers usually stay above 18 m.",
        title="Tiger Reef, Tioman",
    )
]
PROMPT = system_instruction(120)


def test_a_grounded_answer_passes():
    answer = "Tiger Reef ranges from 12 to 25 m, and Open Water divers usually stay above 18 m."
    assert violations(answer, PASSAGES, "how deep is tiger reef", PROMPT) == []


def test_numbers_not_in_the_passages_are_caught():
    answer = "At 18 m you can stay 56 minutes without a stop."
    assert ungrounded_numbers(answer, PASSAGES, "how long can I stay at 18m") == {"56"}


def test_numbers_from_the_question_are_allowed():
    assert ungrounded_numbers("Yes, 40 dives is plenty.", PASSAGES, "I have 40 dives") == set()


def test_places_outside_the_passages_are_caught_even_at_sentence_start():
    answer = "Bali is lovely too. You could also try Komodo National Park instead of Tioman."
    assert ungrounded_names(answer, PASSAGES, "where should I dive") == {
        "Bali",
        "Komodo National Park",
    }


def test_repeating_the_system_prompt_is_caught_even_in_other_case_and_punctuation():
    leaked = "Sure! " + PROMPT.split("\n")[2].upper().replace(",", "")
    assert leaks_system_prompt(leaked, PROMPT)
    assert not leaks_system_prompt("I give information, not instruction.", PROMPT)


def test_an_empty_answer_is_refused():
    assert violations("  ", PASSAGES, "q", PROMPT) == ["empty answer"]
