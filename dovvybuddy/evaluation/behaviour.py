"""Behaviour evaluation: `make eval-behaviour`.

Starts the real stack and sends every message of eval/data/behaviour_eval.yml
and of the sets written blind (eval/data/behaviour_eval_blind_*.yml,
eval/data/behaviour_eval_trips*.yml) over the REST channel as the first
message of a new conversation, then checks
what the diver would see: the reply text against the item's regexes, for
trip matching the destinations the reply ranks, compares or asks about, the
actions that answered (read from the tracker's events) and, where an item
says so, the slots after the turn. Then it plays the multi-turn enquiry
dialogues of eval/data/conversation_repair_eval*.yml as the
`conversation_repair` category (dovvybuddy/evaluation/dialogues.py), one
item per dialogue. Prints and writes reports/behaviour.json:
pass rates for the held-out half, the tuning half and overall, per category,
every failure with the check that failed, and REST turn latency.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import sys
import tempfile
import time
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests
import yaml

from dovvybuddy.common.reports import SPLITS, percentiles, split_of, write_report
from dovvybuddy.common.settings import PROJECT_ROOT
from dovvybuddy.evaluation.dialogues import CATEGORY as DIALOGUE_CATEGORY
from dovvybuddy.evaluation.dialogues import (
    DIALOGUES_FILES,
    Dialogue,
    load_dialogues,
    play_dialogue,
)
from dovvybuddy.ops.launcher import ONE_ADDRESS_MANY_DIVERS, LaunchedStack, conversation_id
from dovvybuddy.trips.replies import asks_for_month, destinations_named, ranked_destinations

EVAL_FILE = PROJECT_ROOT / "eval" / "data" / "behaviour_eval.yml"
BLIND_EVAL_FILE = PROJECT_ROOT / "eval" / "data" / "behaviour_eval_blind_2.yml"
"""Single messages written blind, checked by EVAL_FILE's categories (and its own)."""
TRIPS_EVAL_FILE = PROJECT_ROOT / "eval" / "data" / "behaviour_eval_trips.yml"
"""Trip matching, copied unchanged from a set written blind: its items carry no
category or split (the category is the file's, the split sha256(text) parity)."""
TRIPS_2_EVAL_FILE = PROJECT_ROOT / "eval" / "data" / "behaviour_eval_trips_2.yml"
BLIND_3_EVAL_FILE = PROJECT_ROOT / "eval" / "data" / "behaviour_eval_blind_3.yml"
EVAL_FILES = (EVAL_FILE, BLIND_EVAL_FILE, TRIPS_EVAL_FILE, TRIPS_2_EVAL_FILE, BLIND_3_EVAL_FILE)
TRIPS_CATEGORY = "trip_matching"
REPORT_FILE = PROJECT_ROOT / "reports" / "behaviour.json"
REPLY_EXCERPT_CHARS = 400
# Actions every turn runs that say nothing about which flow answered.
_BOOKKEEPING_ACTIONS = {"action_listen", "action_session_start"}
_FLAGS = re.IGNORECASE | re.MULTILINE


@dataclass(frozen=True)
class Case:
    """One diver message and everything its reply is checked against."""

    text: str
    category: str
    split: str
    must: tuple[str, ...] = ()
    must_not: tuple[str, ...] = ()
    flow_any_of: tuple[str, ...] = ()
    flow_none_of: tuple[str, ...] = ()
    slots: dict[str, Any] = field(default_factory=dict)
    top_any_of: tuple[str, ...] = ()
    """Trip matching: the first destination recommended (or picked) is one of these."""
    not_recommended: tuple[str, ...] = ()
    """Trip matching: none of these is ranked or picked."""
    compare: tuple[str, ...] = ()
    """Trip matching: the reply names each of these and makes a choice."""
    asks_for: tuple[str, ...] = ()
    """Trip matching: the reply asks for these (only "month" is known)."""


def _as_tuple(value: Any) -> tuple[str, ...]:
    if value in (None, "", True):
        return ()
    return tuple(value) if isinstance(value, list) else (str(value),)


def load_trip_cases(
    path: Path = TRIPS_EVAL_FILE, always_must_not: tuple[str, ...] = ()
) -> list[Case]:
    """The blind trip-matching items as they were written, in their own category."""
    data = yaml.safe_load(path.read_text())
    return [
        Case(
            text=item["text"],
            category=TRIPS_CATEGORY,
            split=split_of(item["text"]),
            must=_as_tuple(item.get("must")),
            must_not=(*always_must_not, *_as_tuple(item.get("must_not"))),
            top_any_of=_as_tuple(item.get("top_any_of")),
            not_recommended=_as_tuple(item.get("not_recommended")),
            compare=_as_tuple(item.get("compare")),
            asks_for=_as_tuple(item.get("asks_for")),
        )
        for item in data["items"]
    ]


def load_cases(path: Path = EVAL_FILE) -> list[Case]:
    """The items, each with its category's checks merged into its own.

    A file other than EVAL_FILE uses EVAL_FILE's categories and `always_must_not`
    (plus any categories of its own); a file whose items have no category is a
    trip-matching set.
    """
    data = yaml.safe_load(path.read_text())
    main = data if path == EVAL_FILE else yaml.safe_load(EVAL_FILE.read_text())
    always_must_not = tuple(data.get("always_must_not") or main.get("always_must_not", ()))
    if not any("category" in item for item in data["items"]):
        return load_trip_cases(path, always_must_not)
    categories = {**main["categories"], **(data.get("categories") or {})}
    cases = []
    for item in data["items"]:
        category = categories[item["category"]]
        flow = category.get("flow", {})
        cases.append(
            Case(
                text=item["text"],
                category=item["category"],
                split=item.get("split") or split_of(item["text"]),
                must=(*category.get("must", ()), *item.get("must", ())),
                must_not=(
                    *always_must_not,
                    *category.get("must_not", ()),
                    *item.get("must_not", ()),
                ),
                flow_any_of=tuple(flow.get("any_of", ())),
                flow_none_of=tuple(flow.get("none_of", ())),
                slots=dict(item.get("slots", {})),
            )
        )
    return cases


@dataclass(frozen=True)
class Turn:
    """What the bot did with one message."""

    reply: str
    actions: tuple[str, ...]
    slots: dict[str, Any]
    seconds: float


def failed_checks(case: Case, turn: Turn) -> list[str]:
    """Each check the turn failed, described for the report; empty when it passed."""
    if not turn.reply.strip():
        return ["no reply"]
    failures = [f"must: {p}" for p in case.must if not re.search(p, turn.reply, _FLAGS)]
    failures += [f"must_not: {p}" for p in case.must_not if re.search(p, turn.reply, _FLAGS)]
    if case.flow_any_of and not set(case.flow_any_of) & set(turn.actions):
        failures.append(f"flow: ran {list(turn.actions)}, expected one of {list(case.flow_any_of)}")
    forbidden = [action for action in case.flow_none_of if action in turn.actions]
    if forbidden:
        failures.append(f"flow: ran {forbidden}, which must not answer {case.category}")
    failures += [
        f"slot {name}: {turn.slots.get(name)!r}, expected {value!r}"
        for name, value in case.slots.items()
        if turn.slots.get(name) != value
    ]
    return failures + trip_failures(case, turn.reply)


def trip_failures(case: Case, reply: str) -> list[str]:
    """The trip-matching checks: what the reply ranks first, leaves out, compares, asks."""
    ranked = ranked_destinations(reply)
    failures = []
    if case.top_any_of and (not ranked or ranked[0] not in case.top_any_of):
        failures.append(f"top: {ranked[:1]}, expected one of {list(case.top_any_of)}")
    wrongly = [code for code in case.not_recommended if code in ranked]
    if wrongly:
        failures.append(f"recommended {wrongly}, which must not be")
    missing = set(case.compare) - destinations_named(reply)
    if case.compare and (missing or not ranked):
        failures.append(f"compare: missing {sorted(missing)}" if missing else "compare: no pick")
    if "month" in case.asks_for and not asks_for_month(reply):
        failures.append("asks_for: month not asked")
    return failures


def _rate(verdicts: Iterable[bool]) -> dict[str, Any]:
    verdicts = list(verdicts)
    if not verdicts:
        return {"items": 0, "pass_rate": None}
    return {"items": len(verdicts), "pass_rate": round(sum(verdicts) / len(verdicts), 4)}


def _rates(results: list[tuple[Case, list[str]]]) -> dict[str, Any]:
    """Pass rates of the held-out half first, then the tuning half, then all items."""
    return {
        **{split: _rate(not f for c, f in results if c.split == split) for split in SPLITS},
        "overall": _rate(not f for _, f in results),
    }


def summarise(
    results: list[tuple[Case, Turn, list[str]]], turn_seconds: Iterable[float] | None = None
) -> dict[str, Any]:
    """The report: pass rates overall and per category, failures, latency.

    `turn_seconds` are the turn latencies when items are dialogues of many
    turns (default: one turn per item)."""
    verdicts = [(case, failures) for case, _, failures in results]
    categories = sorted({case.category for case, _ in verdicts})
    single_turn = [(c, f) for c, f in verdicts if c.category != DIALOGUE_CATEGORY]
    return {
        "pass_rate": _rates(verdicts),
        "single_turn_pass_rate": _rates(single_turn),
        "by_category": {
            category: _rates([(c, f) for c, f in verdicts if c.category == category])
            for category in categories
        },
        "latency": percentiles(
            list(turn_seconds) if turn_seconds is not None else [t.seconds for _, t, _ in results]
        ),
        "failures": [
            {
                "text": case.text,
                "category": case.category,
                "split": case.split,
                "reply": turn.reply[:REPLY_EXCERPT_CHARS],
                "actions": list(turn.actions),
                "failed": failures,
            }
            for case, turn, failures in results
            if failures
        ],
    }


def actions_after_last_message(events: list[dict[str, Any]]) -> tuple[str, ...]:
    """The actions the bot ran in answer to the latest user message."""
    last_user = max((i for i, e in enumerate(events) if e.get("event") == "user"), default=-1)
    return tuple(
        e["name"]
        for e in events[last_user + 1 :]
        if e.get("event") == "action" and e.get("name") not in _BOOKKEEPING_ACTIONS
    )


def play(stack: LaunchedStack, case: Case) -> Turn:
    """Send the message as a new conversation; read the reply and the tracker."""
    sender = conversation_id(f"behaviour-{uuid.uuid4().hex}")
    started = time.perf_counter()
    replies = stack.say(sender, case.text)
    seconds = time.perf_counter() - started
    tracker = stack.api(f"/conversations/{sender}/tracker")
    tracker.raise_for_status()
    state = tracker.json()
    return Turn(
        reply="\n".join(replies),
        actions=actions_after_last_message(state.get("events", [])),
        slots=state.get("slots", {}),
        seconds=seconds,
    )


class _RestConversation:
    """A dialogue's view of the launched stack: REST messages and the tracker."""

    def __init__(self, stack: LaunchedStack) -> None:
        self.stack = stack

    def say(self, sender: str, text: str) -> list[str]:
        return self.stack.say(sender, text)

    def tracker(self, sender: str) -> dict[str, Any]:
        response = self.stack.api(f"/conversations/{conversation_id(sender)}/tracker")
        response.raise_for_status()
        return response.json()


def play_dialogues(
    stack: LaunchedStack, dialogues: list[Dialogue]
) -> tuple[list[tuple[Case, Turn, list[str]]], list[float], list[dict[str, Any]]]:
    """Each dialogue as one item, its turn latencies, and the transcripts of failures."""
    results, seconds, transcripts = [], [], []
    for dialogue in dialogues:
        case = Case(text=dialogue.id, category=DIALOGUE_CATEGORY, split=dialogue.split)
        try:
            played = play_dialogue(_RestConversation(stack), dialogue)
        except requests.RequestException as error:
            results.append((case, Turn("", (), {}, 0.0), [f"request failed: {error}"]))
            continue
        seconds += played.seconds
        results.append((case, Turn(played.last_reply, (), {}, 0.0), played.failures))
        if played.failures:
            transcripts.append(
                {
                    "id": dialogue.id,
                    "split": dialogue.split,
                    "failed": played.failures,
                    "transcript": [
                        {"diver": said, "bot": reply[:REPLY_EXCERPT_CHARS]}
                        for said, reply in played.transcript
                    ],
                }
            )
    return results, seconds, transcripts


def _shown(path: Path) -> str:
    """A path relative to the project when it is inside it, else as given."""
    resolved = path.resolve()
    if resolved.is_relative_to(PROJECT_ROOT):
        return str(resolved.relative_to(PROJECT_ROOT))
    return str(path)


def load_items(eval_files: list[Path]) -> list[Case]:
    """The single-message cases of the eval files (each file's format read by load_cases)."""
    return [case for path in eval_files for case in load_cases(path)]


def play_all(
    stack: LaunchedStack, cases: list[Case], dialogues: list[Dialogue]
) -> tuple[list[tuple[Case, Turn, list[str]]], list[float], list[dict[str, Any]]]:
    """Every case and dialogue against the running stack: results, seconds, transcripts."""
    results = []
    for case in cases:
        try:
            turn = play(stack, case)
        except requests.RequestException as error:
            # One failed request is one failed item, not a lost run.
            results.append((case, Turn("", (), {}, 0.0), [f"request failed: {error}"]))
            continue
        results.append((case, turn, failed_checks(case, turn)))
    seconds = [turn.seconds for _, turn, _ in results]
    dialogue_results, dialogue_seconds, transcripts = play_dialogues(stack, dialogues)
    return results + dialogue_results, seconds + dialogue_seconds, transcripts


def behaviour_report(
    eval_files: list[Path], dialogue_files: list[Path], model_dir: Path | None = None
) -> dict:
    """Start the stack, play the items and dialogues, and summarise what passed."""
    cases = load_items(eval_files)
    dialogues = [d for path in dialogue_files if path.exists() for d in load_dialogues(path)]
    var_dir = Path(tempfile.mkdtemp(prefix="dovvybuddy-behaviour-"))
    # Every message comes from 127.0.0.1 with its own sender id, so only the
    # per-address limit is lifted.
    stack = LaunchedStack(var_dir, model_dir=model_dir, extra_env=ONE_ADDRESS_MANY_DIVERS)
    try:
        stack.start()
        results, seconds, transcripts = play_all(stack, cases, dialogues)
    finally:
        stack.stop()
        shutil.rmtree(var_dir, ignore_errors=True)
    return {
        "eval_files": [_shown(path) for path in eval_files],
        "dialogue_files": [_shown(path) for path in dialogue_files],
        **summarise(results, seconds),
        "dialogue_failures": transcripts,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m dovvybuddy.evaluation.behaviour", description=__doc__
    )
    parser.add_argument(
        "--eval-file",
        type=Path,
        action="append",
        help="items to play, repeatable (default: every eval/data/behaviour_eval*.yml "
        "sets); e.g. a private probe set",
    )
    parser.add_argument(
        "--dialogues",
        type=Path,
        action="append",
        help="multi-turn dialogues to play, repeatable "
        "(default: eval/data/conversation_repair_eval*.yml)",
    )
    parser.add_argument(
        "--only-dialogues", action="store_true", help="play the dialogues, not the single messages"
    )
    parser.add_argument(
        "--report", type=Path, default=REPORT_FILE, help="where to write the JSON report"
    )
    parser.add_argument(
        "--model-dir",
        type=Path,
        default=None,
        help="where the model for the current training inputs is looked up (default: var/models)",
    )
    args = parser.parse_args(argv)
    eval_files = [] if args.only_dialogues else (args.eval_file or list(EVAL_FILES))
    dialogue_files = args.dialogues or list(DIALOGUES_FILES)
    report = behaviour_report(eval_files, dialogue_files, args.model_dir)
    write_report(args.report, report)
    print(json.dumps({k: v for k, v in report.items() if k != "failures"}, indent=2))
    print(f"{len(report['failures'])} failures; see {_shown(args.report)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
