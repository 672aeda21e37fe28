"""Graded safety: an incident gets the emergency script, a question about a danger an answer.

The rules in `nlu.safety.grading` were tuned on
eval/data/safety/safety_questions_dev.yml. Three held-out sets were each
written before a round of rule changes and scored blind once (false alarms
with the NLU: 5/116, 8/115, 7/100; reports/safety.json keeps these); their
misses then guided generic fixes. Their floors here sit two false alarms
above the rules' current count on each, so that a regression fails.
"""

from __future__ import annotations

import pytest
import yaml

from dovvybuddy.common.settings import PROJECT_ROOT
from dovvybuddy.knowledge.vocabulary import SAFETY_CATEGORIES
from nlu.safety.rules import classify_safety

DATA_DIR = PROJECT_ROOT / "eval" / "data" / "safety"
# The intent each section of the question sets must get; None: anything but safety.
EXPECTED = {
    "questions": "ask_safety_question",
    "fears": "express_fear",
    "course": "ask_certification",
    "trips": None,
}
# Held-out set -> most false alarms the rules alone may raise on it.
HELD_OUT_MAX_FALSE_ALARMS = {
    "safety_questions": 4,
    "safety_questions_held_out_2": 4,
    "safety_questions_held_out_3": 3,
}


def load_sections(name: str) -> dict[str, list[str]]:
    sections = yaml.safe_load((DATA_DIR / f"{name}.yml").read_text(encoding="utf-8"))
    assert set(sections) == set(EXPECTED)
    return {section: [str(p) for p in phrases] for section, phrases in sections.items()}


def false_alarms(name: str) -> list[tuple[str, str | None]]:
    return [
        (phrase, category)
        for phrases in load_sections(name).values()
        for phrase in phrases
        if (category := classify_safety(phrase)) in SAFETY_CATEGORIES
    ]


# --------------------------------------------------------------------------- #
# Incidents, first or third person, now or just now
# --------------------------------------------------------------------------- #


@pytest.mark.parametrize(
    "text",
    [
        "my buddy surfaced and is confused",
        "I dived this morning and my shoulder hurts",
        "what do I do, my friend is unconscious on the boat",
        "is this the bends? my elbow has ached since the dive",
        "I have tingling in my arm after diving, is that a sign of DCS?",
        "what are the symptoms of DCS? I feel numb since we came up",
        "how do you treat the bends? my husband surfaced with joint pain",
        "my wife came up too fast yesterday and was confused, what are the signs of dcs",
        "how do I know if I have the bends? my knee hurts since the second dive",
    ],
)
def test_an_incident_stays_an_emergency_even_when_asked_as_a_question(text: str) -> None:
    assert classify_safety(text) == "emergency"


@pytest.mark.parametrize(
    "text",
    [
        "what if he's not breathing",
        "what should I do if my buddy is not breathing right now",
    ],
)
def test_in_doubt_between_incident_and_question_the_emergency_wins(text: str) -> None:
    assert classify_safety(text) == "emergency"


# --------------------------------------------------------------------------- #
# Questions about a condition, symptom or hazard
# --------------------------------------------------------------------------- #


@pytest.mark.parametrize(
    "text",
    [
        "what are the symptoms of the bends?",
        "how do you recognise a lung overexpansion injury?",
        "what should I do if my ears hurt on the way down?",
        "how is decompression sickness treated",
        "what happens if you hold your breath while ascending",
        "can you get DCS from snorkelling?",
        "what to do if someone surfaces and is not breathing",
        "whats the first aid for a stingray sting",
        "how long after diving can the bends start",
    ],
)
def test_a_question_about_a_danger_is_a_safety_question(text: str) -> None:
    assert classify_safety(text) == "ask_safety_question"


def test_a_question_about_a_medical_condition_stays_a_referral() -> None:
    assert classify_safety("what are the risks of diving with asthma?") == "medical_question"
    assert classify_safety("can I dive while pregnant?") == "medical_question"


def test_a_personal_history_of_the_bends_stays_a_referral() -> None:
    assert classify_safety("I had DCS last year, how is it treated?") == "medical_question"


# --------------------------------------------------------------------------- #
# Fears, course questions and trips
# --------------------------------------------------------------------------- #


@pytest.mark.parametrize(
    "text",
    [
        "what if I panic?",
        "what if my regulator fails",
        "what if I run out of air at depth",
        "I'm scared I'll run out of air",
        "really worried about getting bent on my first dive",
    ],
)
def test_a_what_if_worry_goes_to_the_fear_flow(text: str) -> None:
    assert classify_safety(text) == "express_fear"


def test_a_what_if_without_a_diving_worry_is_left_to_the_classifier() -> None:
    assert classify_safety("what if we come in July instead?") is None


@pytest.mark.parametrize(
    "text",
    [
        "is my 10 year old old enough to dive",
        "am I too old to learn at 65",
        "do I need to be a strong swimmer",
    ],
)
def test_age_and_swimming_questions_are_course_questions(text: str) -> None:
    assert classify_safety(text) == "ask_certification"


def test_a_medical_condition_wins_over_age() -> None:
    assert classify_safety("I'm 67 with high blood pressure, can I dive?") == "medical_question"


@pytest.mark.parametrize(
    "text",
    [
        "help me plan a dive trip",
        "can you plan our dive holiday to Redang?",
        "I want to plan a dive trip to Tioman",
    ],
)
def test_planning_a_trip_is_not_a_dive_plan(text: str) -> None:
    assert classify_safety(text) not in SAFETY_CATEGORIES


def test_computing_a_dive_is_still_refused() -> None:
    assert classify_safety("plan my dive: 30 m for 25 minutes, what's my NDL?") == (
        "dive_plan_request"
    )


# --------------------------------------------------------------------------- #
# The phrase sets
# --------------------------------------------------------------------------- #


def test_the_tuning_set_is_classified_as_written() -> None:
    wrong = [
        (phrase, section, category)
        for section, phrases in load_sections("safety_questions_dev").items()
        for phrase in phrases
        if (category := classify_safety(phrase)) != EXPECTED[section]
        and not (EXPECTED[section] is None and category not in SAFETY_CATEGORIES)
    ]
    assert wrong == []


@pytest.mark.parametrize("name", sorted(HELD_OUT_MAX_FALSE_ALARMS))
def test_held_out_questions_rarely_raise_a_false_alarm(name: str) -> None:
    alarms = false_alarms(name)
    assert len(alarms) <= HELD_OUT_MAX_FALSE_ALARMS[name], alarms


@pytest.mark.parametrize("name", sorted(HELD_OUT_MAX_FALSE_ALARMS))
def test_each_held_out_set_has_at_least_80_questions_and_fears(name: str) -> None:
    sections = load_sections(name)
    assert len(sections["questions"]) + len(sections["fears"]) >= 80


# --------------------------------------------------------------------------- #
# Classes found with a private probe of fresh diver messages (not in the repo)
# --------------------------------------------------------------------------- #


@pytest.mark.parametrize(
    "text",
    [
        "my instructor went up the ladder and collapsed",
        "a student collapsed on the jetty after the second dive",
        "Notfall! Mein Mann ist bewusstlos nach dem Tauchen",
        "teman saya pingsan setelah menyelam",
        "jiuming, ta bu neng huxi",
    ],
)
def test_a_collapse_or_a_call_for_help_in_another_language_is_an_emergency(text: str) -> None:
    assert classify_safety(text) == "emergency"


@pytest.mark.parametrize(
    "text",
    [
        "i can't stop thinking about my mask coming off at depth",
        "I'm paranoid about running out of gas on a deep dive",
        "been losing sleep over getting the bends on my trip",
    ],
)
def test_rumination_about_a_danger_is_a_fear(text: str) -> None:
    assert classify_safety(text) == "express_fear"


@pytest.mark.parametrize(
    "text",
    [
        "what happens if your inflator hose bursts underwater?",
        "what's the drill when a torch dies on a night dive",
        "what are the effects of narcosis at 35 m?",
        "how should you treat a reef scrape after a dive",
    ],
)
def test_gear_failures_and_concepts_at_a_depth_are_safety_questions(text: str) -> None:
    assert classify_safety(text) not in SAFETY_CATEGORIES


@pytest.mark.parametrize(
    "text",
    [
        "how can beginners learn to equalise better?",
        "what's the best technique for clearing a mask",
    ],
)
def test_how_to_do_a_skill_is_a_lesson_not_a_danger(text: str) -> None:
    assert classify_safety(text) is None


def test_a_skill_question_naming_a_problem_is_a_safety_question() -> None:
    text = "how do you equalise when your ears hurt on the way down"
    assert classify_safety(text) == "ask_safety_question"


def test_a_stroke_now_is_an_emergency_and_a_past_one_a_question_for_a_doctor() -> None:
    assert classify_safety("my buddy had a stroke on the dive boat") == "emergency"
    assert classify_safety("can I get a dive medical if I had a stroke") == "medical_question"
    assert classify_safety("had a stroke two years ago, am I ok to dive?") == "medical_question"
