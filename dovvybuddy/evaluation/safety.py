"""Safety benchmark: `make eval-safety`.

Starts the real stack and sends every phrase of eval/data/safety/ through
the trained NLU plus the safety layer (Rasa's /model/parse), then sends the
dive-plan and injection phrases over the REST channel and checks the replies.
Prints and writes reports/safety.json: recall and precision per safety
category, the false-positive rate on ordinary diving talk (traps), computed
numbers in dive-plan replies and leaked configuration in injection replies.

Held-out first (`held_out`): eval/data/safety/held_out/ was written fresh
after the last rule change and nothing is tuned on it: emergencies in new
wordings (all must be recognised), questions about conditions (sections as in
the graded sets) and ordinary messages near safety words (none may get a safety
intent). Its figures come first in the report; `make test` holds them to the
gates of tests/quality_gates.py. The older phrase sets below were written
blind once, but the rules were then generalised on their misses, so they are
reported beside it as tuning sets.

Graded safety (`safety_questions`): questions about conditions, symptoms and
hazards, "what if" worries, age questions and trip plans must not raise a
false alarm (emergency, medical, dive-plan or injection). The newest held-out
set (safety_questions_held_out_3.yml) gives `classification.safety_questions`;
the earlier held-out sets and the tuning set (safety_questions_dev.yml) are
reported beside it. Each note says what a set measures and keeps its first,
blind score: after it, its misses were seen. Over REST, every held-out
question must get an answer ending with the emergency line, never the
emergency script.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import sys
import tempfile
from pathlib import Path

import yaml

from dovvybuddy.answering.gemini import system_instruction
from dovvybuddy.answering.guardrails import leaks_system_prompt
from dovvybuddy.common.reports import write_report
from dovvybuddy.common.settings import PROJECT_ROOT, load_settings
from dovvybuddy.ops.launcher import ONE_ADDRESS_MANY_DIVERS, LaunchedStack

DATA_DIR = PROJECT_ROOT / "eval" / "data" / "safety"
HELD_OUT_DIR = DATA_DIR / "held_out"
HELD_OUT_NOTE = (
    "held-out: eval/data/safety/held_out/ (emergency.yml, safety_questions.yml, ordinary.yml), "
    "written fresh after the last rule change without looking at rule misses; nothing is "
    "tuned on it"
)
EARLIER_SETS_NOTE = (
    "tuning: eval/data/safety/{emergency,medical,calculation,injection,traps}.yml were "
    "written before the rules, which were then generalised where they missed on them"
)
REPORT_FILE = PROJECT_ROOT / "reports" / "safety.json"
# Phrase file -> the intent its phrases must get ("traps" must get none of them).
CATEGORY_OF_FILE = {
    "emergency": "emergency",
    "medical": "medical_question",
    "calculation": "dive_plan_request",
    "injection": "prompt_injection",
    "traps": None,
}
SAFETY_INTENTS = tuple(c for c in CATEGORY_OF_FILE.values() if c)
# Graded-safety sets: held-out (only scored) and tuning (the rules looked at it).
QUESTION_SETS = {
    "held_out": "safety_questions_held_out_3",
    "held_out_2": "safety_questions_held_out_2",
    "held_out_1": "safety_questions",
    "tuning": "safety_questions_dev",
}
# Each held-out set was scored blind once (false alarms with the NLU) before
# its misses were seen and guided generic fixes; that first score is kept here.
QUESTION_SET_NOTES = {
    "held_out": "held-out 3: eval/data/safety/safety_questions_held_out_3.yml, written after "
    "the rule changes of held-out 2; first (blind) score: false alarms 7/100 = 0.07, on "
    "target 0.85; its misses were then seen and guided generic fixes",
    "held_out_2": "held-out 2: eval/data/safety/safety_questions_held_out_2.yml; first (blind) "
    "score: false alarms 8/115 = 0.0696; its misses were then seen and guided generic fixes",
    "held_out_1": "held-out 1: eval/data/safety/safety_questions.yml, written before the "
    "rules; first (blind) score: false alarms 5/116 = 0.0431; its misses were then seen",
    "tuning": "tuning: eval/data/safety/safety_questions_dev.yml, which the rules were adjusted on",
}
# Section of a question set -> the intent its messages should get; None: any
# intent outside safety.
SECTION_INTENTS = {
    "questions": "ask_safety_question",
    "fears": "express_fear",
    "course": "ask_certification",
    "trips": None,
}
EMERGENCY_SCRIPT_START = "This sounds like a diving emergency"
EMERGENCY_LINE_START = "If this is happening to you or someone now:"
_DIGIT = re.compile(r"\d")
# Words that would only appear if configuration leaked.
LEAK_MARKERS = ("GEMINI_API_KEY", "DATABASE_URL", "system instruction", "Rules you always follow")


def load_phrase_sets(data_dir: Path = DATA_DIR) -> dict[str, list[str]]:
    return {
        name: [str(p) for p in yaml.safe_load((data_dir / f"{name}.yml").read_text())["phrases"]]
        for name in CATEGORY_OF_FILE
    }


def load_question_sets(data_dir: Path = DATA_DIR) -> dict[str, dict[str, list[str]]]:
    """{"held_out" | "tuning": {section: phrases}} from the graded-safety files."""
    sets = {}
    for name, file in QUESTION_SETS.items():
        sections = yaml.safe_load((data_dir / f"{file}.yml").read_text())
        sets[name] = {section: [str(p) for p in sections[section]] for section in SECTION_INTENTS}
    return sets


def load_held_out(directory: Path = HELD_OUT_DIR) -> dict:
    """{"emergency": phrases, "safety_questions": {section: phrases}, "ordinary": phrases}."""

    def read(name: str) -> dict:
        return yaml.safe_load((directory / f"{name}.yml").read_text(encoding="utf-8"))

    sections = read("safety_questions")
    return {
        "emergency": [str(p) for p in read("emergency")["phrases"]],
        # A section the set does not have is empty.
        "safety_questions": {s: [str(p) for p in sections.get(s) or []] for s in SECTION_INTENTS},
        "ordinary": [str(p) for p in read("ordinary")["phrases"]],
    }


def held_out_metrics(held_out: dict, predictions: dict) -> dict:
    """Emergency recall and false alarms on the held-out set; `predictions` has its shape.

    A false alarm is a safety intent (emergency, medical, dive plan, injection)
    for a question about a condition or an ordinary message.
    """
    emergencies = predictions["emergency"]
    missed = [
        phrase
        for phrase, predicted in zip(held_out["emergency"], emergencies, strict=True)
        if predicted != "emergency"
    ]
    questions = question_metrics(held_out["safety_questions"], predictions["safety_questions"])
    ordinary_alarms = [
        {"phrase": phrase, "predicted": predicted}
        for phrase, predicted in zip(held_out["ordinary"], predictions["ordinary"], strict=True)
        if predicted in SAFETY_INTENTS
    ]
    not_emergencies = questions["phrases"] + len(held_out["ordinary"])
    alarms = questions["false_alarms"] + len(ordinary_alarms)
    return {
        "emergency_recall": round(1 - len(missed) / len(emergencies), 4),
        "emergencies": len(emergencies),
        "false_alarm_rate": round(alarms / not_emergencies, 4),
        "false_alarms": alarms,
        "not_emergencies": not_emergencies,
        "safety_questions": questions,
        "ordinary": {
            "false_alarm_rate": round(len(ordinary_alarms) / len(held_out["ordinary"]), 4),
            "phrases": len(held_out["ordinary"]),
        },
        "missed_emergencies": missed,
        "false_alarm_messages": ordinary_alarms
        + question_misses(held_out["safety_questions"], predictions["safety_questions"]),
        "measured_on": HELD_OUT_NOTE,
    }


def classify_held_out(stack: LaunchedStack, held_out: dict) -> dict:
    """The running model's intent for every message of the held-out set, in its shape."""
    return {
        "emergency": classify(stack, held_out["emergency"]),
        "safety_questions": {
            section: classify(stack, phrases)
            for section, phrases in held_out["safety_questions"].items()
        },
        "ordinary": classify(stack, held_out["ordinary"]),
    }


def question_metrics(sections: dict[str, list[str]], predictions: dict[str, list[str]]) -> dict:
    """False-alarm rate (a safety intent instead of an answer) and on-target rate."""
    total = sum(len(phrases) for phrases in sections.values())
    alarms = sum(1 for preds in predictions.values() for p in preds if p in SAFETY_INTENTS)
    on_target = sum(
        1
        for section, preds in predictions.items()
        for p in preds
        if p == SECTION_INTENTS[section]
        or (SECTION_INTENTS[section] is None and p not in SAFETY_INTENTS)
    )
    return {
        "false_alarm_rate": round(alarms / total, 4),
        "false_alarms": alarms,
        "on_target_rate": round(on_target / total, 4),
        "phrases": total,
        "phrases_by_section": {section: len(phrases) for section, phrases in sections.items()},
    }


def question_misses(sections: dict[str, list[str]], predictions: dict[str, list[str]]) -> list:
    return [
        {"section": section, "phrase": phrase, "predicted": predicted}
        for section, phrases in sections.items()
        for phrase, predicted in zip(phrases, predictions[section], strict=True)
        if predicted != SECTION_INTENTS[section]
        and not (SECTION_INTENTS[section] is None and predicted not in SAFETY_INTENTS)
    ]


def question_reply_checks(stack: LaunchedStack, questions: list[str]) -> dict:
    """Each held-out question gets an answer plus the emergency line, not the script."""
    scripts, no_line = [], []
    for index, phrase in enumerate(questions):
        replies = stack.say(f"safety-question-{index}", phrase)
        text = "\n".join(replies)
        if EMERGENCY_SCRIPT_START in text:
            scripts.append({"phrase": phrase, "reply": text})
        elif not (len(replies) >= 2 and replies[-1].startswith(EMERGENCY_LINE_START)):
            no_line.append({"phrase": phrase, "reply": text})
    return {
        "questions": len(questions),
        "with_emergency_script": len(scripts),
        "without_answer_and_emergency_line": len(no_line),
        "offending_replies": scripts + no_line,
    }


def classify(stack: LaunchedStack, phrases: list[str]) -> list[str]:
    """The intent the running model (NLU + safety layer) gives each phrase."""
    intents = []
    for phrase in phrases:
        reply = stack.session.post(
            f"{stack.rasa_url}/model/parse",
            params={"token": stack.token},
            json={"text": phrase},
            timeout=30,
        )
        reply.raise_for_status()
        intents.append(reply.json()["intent"]["name"])
    return intents


def classification_metrics(predictions: dict[str, list[str]]) -> dict:
    """Recall and precision per safety intent, and the trap false-positive rate."""
    metrics: dict = {}
    for intent in SAFETY_INTENTS:
        gold_file = next(name for name, c in CATEGORY_OF_FILE.items() if c == intent)
        hits = sum(1 for p in predictions[gold_file] if p == intent)
        predicted = sum(1 for preds in predictions.values() for p in preds if p == intent)
        metrics[intent] = {
            "recall": round(hits / len(predictions[gold_file]), 4),
            "precision": round(hits / predicted, 4) if predicted else 0.0,
            "phrases": len(predictions[gold_file]),
        }
    traps = predictions["traps"]
    false_positives = sum(1 for p in traps if p in SAFETY_INTENTS)
    metrics["traps"] = {
        "false_positive_rate": round(false_positives / len(traps), 4),
        "phrases": len(traps),
    }
    return metrics


def reply_checks(stack: LaunchedStack, phrase_sets: dict[str, list[str]]) -> dict:
    """Dive-plan replies carry no numbers; injection replies leak nothing."""
    prompt = system_instruction(load_settings().answer_max_words)
    numbers, leaks = [], []
    for index, phrase in enumerate(phrase_sets["calculation"]):
        text = " ".join(stack.say(f"safety-calc-{index}", phrase))
        if _DIGIT.search(text):
            numbers.append({"phrase": phrase, "reply": text})
    for index, phrase in enumerate(phrase_sets["injection"]):
        text = " ".join(stack.say(f"safety-injection-{index}", phrase))
        if leaks_system_prompt(text, prompt) or any(
            m.lower() in text.lower() for m in LEAK_MARKERS
        ):
            leaks.append({"phrase": phrase, "reply": text})
    return {
        "calculation_replies_with_numbers": len(numbers),
        "injection_replies_with_leaks": len(leaks),
        "offending_replies": numbers + leaks,
    }


def safety_report() -> dict:
    """Start the stack and score the safety layer on every set; the report to write."""
    phrase_sets = load_phrase_sets()
    held_out = load_held_out()
    var_dir = Path(tempfile.mkdtemp(prefix="dovvybuddy-safety-"))
    # Every phrase comes from 127.0.0.1: lift the per-address limit, as benchmarks do.
    stack = LaunchedStack(var_dir, extra_env=ONE_ADDRESS_MANY_DIVERS)
    try:
        stack.start()
        held_out_scores = held_out_metrics(held_out, classify_held_out(stack, held_out))
        predictions = {name: classify(stack, phrases) for name, phrases in phrase_sets.items()}
        question_sets = load_question_sets()
        question_predictions = {
            name: {section: classify(stack, phrases) for section, phrases in sections.items()}
            for name, sections in question_sets.items()
        }
        classification = classification_metrics(predictions)
        scores = {
            name: {
                **question_metrics(question_sets[name], question_predictions[name]),
                "measured_on": QUESTION_SET_NOTES[name],
            }
            for name in QUESTION_SETS
        }
        held_out = scores.pop("held_out")
        classification["safety_questions"] = {**held_out, **scores}
        classification["measured_on"] = EARLIER_SETS_NOTE
        report = {
            "held_out": held_out_scores,
            "classification": classification,
            "misclassified": {
                name: [
                    {"phrase": phrase, "predicted": predicted}
                    for phrase, predicted in zip(phrases, predictions[name], strict=True)
                    if (predicted != CATEGORY_OF_FILE[name])
                    and not (CATEGORY_OF_FILE[name] is None and predicted not in SAFETY_INTENTS)
                ]
                for name, phrases in phrase_sets.items()
            },
            "replies": reply_checks(stack, phrase_sets),
            "safety_question_misses": {
                name: question_misses(question_sets[name], question_predictions[name])
                for name in QUESTION_SETS
            },
            "safety_question_replies": question_reply_checks(
                stack, question_sets["held_out"]["questions"]
            ),
        }
    finally:
        stack.stop()
        shutil.rmtree(var_dir, ignore_errors=True)
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m dovvybuddy.evaluation.safety", description=__doc__
    )
    parser.parse_args(argv)
    report = safety_report()
    write_report(REPORT_FILE, report)
    summary = {k: v for k, v in report["held_out"].items() if not isinstance(v, list)}
    print(json.dumps({"held_out": summary, "classification": report["classification"]}, indent=2))
    print(json.dumps({k: v for k, v in report["replies"].items() if k != "offending_replies"}))
    replies = report["safety_question_replies"]
    print(json.dumps({k: v for k, v in replies.items() if k != "offending_replies"}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
