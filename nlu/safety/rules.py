"""Deterministic safety layer that runs next to the DIET intent classifier.

A trained classifier can miss an unusual phrasing; for an emergency that is not
acceptable. These rules give a second, predictable opinion for the four safety
intents. They lean towards recall for emergencies (a false alarm costs a diver
a few lines of emergency guidance, a miss could cost much more) and towards
precision for the other three categories, where the classifier helps.

Standard library only: the module is imported inside the Rasa server.

How a message is read:

1. `normalise` applies NFKC, lower-cases, drops Latin accents, removes
   apostrophes ("can't" -> "cant"), turns other punctuation into spaces,
   repairs elongated words and single typos in safety words ("helpppp",
   "unconcious"), and expands contractions and chat slang ("cant" -> "cannot").
2. Each category has named lists of phrases (regular-expression fragments,
   matched on whole words; "a|b" lists alternatives) plus a little context
   logic: negation ("no pain"), history ("years ago"), habit ("I always get
   ..."), general questions ("what are the symptoms of ...") and training.
3. Categories are tried in `SAFETY_CATEGORIES` order; the first match wins.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from nlu.safety.grading import asked_about, course_fitness, feared, reports_something
from nlu.safety.lexicon import (
    _AFTER_DIVE_RE,
    _AFTER_DIVE_SYMPTOMS_RE,
    _CERTIFICATION,
    _COMPUTE_RE,
    _CRITICAL_CJK_RE,
    _CRITICAL_RE,
    _DIVE_ACTIVITY,
    _DIVE_WORDS,
    _DIVING_INJURY_RE,
    _ELIGIBILITY_RE,
    _FEAR_BEFORE,
    _FLY,
    _GENERAL_QUESTION_RE,
    _HABITUAL_RE,
    _HISTORY_RE,
    _INCIDENTS_RE,
    _INJECTION_CJK_RE,
    _INJECTION_RE,
    _LIKENESS_BEFORE,
    _MEDICAL_IF_ASKED_RE,
    _MEDICAL_RE,
    _NEGATION_FILLERS,
    _NEGATION_WINDOW,
    _NEGATORS,
    _NOW_RE,
    _PLAN_TERMS_RE,
    _QUANTITY_RES,
    _QUESTION_RE,
    _SCHEDULE,
    _SERIOUS_SYMPTOMS_RE,
    _SHOUTED_HELP,
    _SPECIFIC_NOW_RE,
    _STRONG_NOW_RE,
    _TEMPLATE_MARKERS,
    _TRAINING_RE,
    _URGENT_RE,
)
from nlu.safety.normalisation import (
    _CLAUSE_BREAK,
    normalise,
)
from nlu.safety.phrases import words as _words
from nlu.safety.text import rule_text


@dataclass(frozen=True)
class SafetyMatch:
    """The category a message was put in and the (normalised) text that decided it."""

    category: str
    phrase: str


# --------------------------------------------------------------------------- #
# Category rules (all take normalised text; some also look at the raw text)
# --------------------------------------------------------------------------- #


def _negated(text: str, start: int) -> bool:
    """True if a negator directly precedes position `start` ("no pain", "not any numbness")."""
    for word in reversed(text[:start].split()[-_NEGATION_WINDOW:]):
        if word in _NEGATORS:
            return True
        if word not in _NEGATION_FILLERS:
            return False
    return False


def _first_symptom(
    pattern: re.Pattern[str], text: str, *, event: bool = False
) -> re.Match[str] | None:
    """The first match of `pattern` that is neither negated nor feared ("scared of drowning").

    For an `event` (drowning, running out of air), "feels like ..." also softens it.
    """
    for match in pattern.finditer(text):
        before = text[: match.start()]
        if _negated(text, match.start()) or _FEAR_BEFORE.search(before):
            continue
        if event and _LIKENESS_BEFORE.search(before):
            continue
        return match
    return None


def _emergency(
    text: str, raw: str, *, asked: bool, reported: bool
) -> tuple[str | None, str | None]:
    """(phrase that makes the message an emergency, symptom that context made non-urgent).

    The second value is a serious symptom turned off by history, a general
    question or a fitness-to-dive question: not an emergency, but still a
    medical question. `asked`: the message asks about a danger or voices a
    "what if" worry (nlu.safety.grading) rather than reporting it; unless it
    also speaks of now, even critical signs are then hypothetical.
    `reported`: someone reports a state ("my husband surfaced with joint
    pain"), so a question in the same message does not make it general.
    """
    if match := _SHOUTED_HELP.search(raw) or _URGENT_RE.search(text):
        return match.group(0), None
    if _TRAINING_RE.search(text):
        return None, None

    now = bool((_SPECIFIC_NOW_RE if asked else _NOW_RE).search(text))
    after_dive = bool(_AFTER_DIVE_RE.search(text))
    general = bool(_GENERAL_QUESTION_RE.search(text) or asked) and not (now or reported)
    history = bool(_HISTORY_RE.search(text)) and not _STRONG_NOW_RE.search(text)
    # "Can I dive with seizures?" and "I always get headaches" are about
    # fitness to dive, unless the symptom is tied to a dive just done or to now.
    fitness = bool(_ELIGIBILITY_RE.search(text) or _HABITUAL_RE.search(text)) and not (
        now or after_dive
    )

    critical = _CRITICAL_RE.search(text) or _CRITICAL_CJK_RE.search(text)
    if critical and not history and not (asked and not now):
        return critical.group(0), None
    symptom = _first_symptom(_SERIOUS_SYMPTOMS_RE, text)
    incident = _first_symptom(_INCIDENTS_RE, text, event=True)
    if general or history or fitness:
        return None, symptom.group(0) if symptom else None
    if serious := symptom or incident:
        return serious.group(0), None
    if _HABITUAL_RE.search(text) or not (now or after_dive):
        return None, None
    mild = _first_symptom(_AFTER_DIVE_SYMPTOMS_RE, text)
    return (mild.group(0) if mild else None), None


def _medical(text: str, *, asked: bool = False) -> str | None:
    """The condition, medicine or fitness phrase that makes this a medical question.

    `asked`: a question about a danger, where words such as "bends" or
    "headache" are its topic, not a condition the diver has; then only the
    conditions themselves count.
    """
    match = _MEDICAL_RE.search(text)
    if not match and not asked and _ELIGIBILITY_RE.search(text):
        match = _MEDICAL_IF_ASKED_RE.search(text)
    if match and not _negated(text, match.start()):
        return match.group(0)
    return None


def _quantities(text: str) -> set[str]:
    """The kinds of dive numbers in `text` (depth, time, pressure, ...)."""
    return {kind for kind, pattern in _QUANTITY_RES.items() if pattern.search(text)}


def _dive_plan(text: str) -> str | None:
    """The planning phrase or quantity that makes this a request to compute a dive plan."""
    quantities = _quantities(text)
    # "Plan my dives" without a single number is about a trip, not a profile.
    plan_term = next(
        (
            m
            for m in _PLAN_TERMS_RE.finditer(text)
            if quantities or not m.group(0).startswith("plan ")
        ),
        None,
    )
    compute = _COMPUTE_RE.search(text)
    if plan_term and (quantities or compute or _SCHEDULE.search(text)):
        return plan_term.group(0)
    if quantities and (question := compute or _QUESTION_RE.search(text)):
        # "How deep can I go with Open Water, 18 m?" is about a certification.
        certification_depth = quantities == {"depth"} and (
            _CERTIFICATION.search(text) or (not compute and _CONCEPT_QUESTION.search(text))
        )
        unrelated_time = quantities == {"time"} and not _DIVE_WORDS.search(text)
        if not (certification_depth or unrelated_time):
            return question.group(0)
    if compute and _FLY.search(text) and _DIVE_ACTIVITY.search(text):
        if schedule := _SCHEDULE.search(text):
            return schedule.group(0)
    return None


# A question about what something is like or why, which a depth only locates:
# "what are the signs of narcosis at 30 m?", "what's the point of a stop at 5 m?".
_CONCEPT_QUESTION = _words(
    [
        "signs?|symptoms?|point|purpose|reason|why|benefits?|risks?|dangers?|effects?|causes?",
        "feels? like|looks? like|what happens|what is it like|what s it like|marine life|see",
    ]
)


def _injection(text: str, raw: str) -> str | None:
    """The phrase that tries to override, re-role or extract DovvyBuddy's instructions."""
    match = (
        _TEMPLATE_MARKERS.search(raw)
        or _INJECTION_RE.search(text)
        or _INJECTION_CJK_RE.search(text)
    )
    return match.group(0) if match else None


# --------------------------------------------------------------------------- #
# Public API
# --------------------------------------------------------------------------- #


def match_safety(text: str) -> SafetyMatch | None:
    """Classify `text` into a safety or graded category and report the phrase that decided it.

    An emergency wins over everything; then a medical condition, a dive-plan
    request and an injection attempt (`SAFETY_CATEGORIES`). Only then do the
    graded categories (`GRADED_CATEGORIES`) apply: a "what if" worry, a
    question about a danger, an age or swimming question about a course.
    Returns None for ordinary messages.
    """
    text = rule_text(text)
    normalised = normalise(text)
    if not normalised:
        return None
    clauses = [normalise(clause) for clause in _CLAUSE_BREAK.split(text)]
    fear = feared(normalised, clauses)
    question = asked_about(normalised, clauses)
    asked = bool(fear or question)
    reported = reports_something(clauses)
    emergency, health_topic = _emergency(normalised, text, asked=asked, reported=reported)
    rules: list[tuple[str, Callable[[], str | None]]] = [
        ("emergency", lambda: emergency),
        ("medical_question", lambda: _medical_for(normalised, health_topic, asked=asked)),
        # A question about a danger asks for a number only when it gives one.
        (
            "dive_plan_request",
            lambda: None if question and not _quantities(normalised) else _dive_plan(normalised),
        ),
        ("prompt_injection", lambda: _injection(normalised, text)),
        ("express_fear", lambda: fear),
        ("ask_safety_question", lambda: question),
        ("ask_certification", lambda: course_fitness(normalised)),
    ]
    for category, rule in rules:
        if phrase := rule():
            return SafetyMatch(category, phrase)
    return None


def _medical_for(text: str, health_topic: str | None, *, asked: bool) -> str | None:
    """The medical phrase, unless the message only asks about an injury diving causes."""
    if asked:
        condition = _medical(text, asked=True)
        return None if condition and _DIVING_INJURY_RE.fullmatch(condition) else condition
    return health_topic or _medical(text)


def classify_safety(text: str) -> str | None:
    """The safety category of `text` (one of `SAFETY_CATEGORIES`), or None."""
    match = match_safety(text)
    return match.category if match else None
