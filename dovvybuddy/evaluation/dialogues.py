"""Multi-turn behaviour evaluation: a simulated diver fills an enquiry form over REST.

Each dialogue (eval/data/conversation_repair_eval*.yml, written blind) opens
with a message, then answers whatever the form asks (read from the
tracker's `requested_slot`) with the diver's value for that field, unless
an interjection is scripted for that question ("when_asked": a field or
"summary"); each interjection is said once, in order, and its reply is
checked. At the summary the diver says "yes". The field values of the last
summary, as stored or as shown to the diver (dates are stored as an ISO
range, shown as "12-15 Jun 2027"), must match `expect`, neither may match
`expect_not`, and no field in
`never_asked` may be asked. `make eval-behaviour` runs these as the
`conversation_repair` category (dovvybuddy/evaluate_behaviour.py).
"""

from __future__ import annotations

import re
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import yaml

from dovvybuddy.common.reports import Split, split_of
from dovvybuddy.common.settings import PROJECT_ROOT
from dovvybuddy.leads.repair_replies import LABELS, display

DIALOGUES_FILE = PROJECT_ROOT / "eval" / "data" / "conversation_repair_eval.yml"
DIALOGUES_2_FILE = PROJECT_ROOT / "eval" / "data" / "conversation_repair_eval_2.yml"
DIALOGUES_FILES = (DIALOGUES_FILE, DIALOGUES_2_FILE)
CATEGORY = "conversation_repair"
SUMMARY = "summary"
SUMMARY_SLOT = "lead_confirmed"
CARRY_ON_ACTION = "utter_ask_continue_lead"
# A form has at most a dozen questions; repairs and re-asks add a few turns.
MAX_TURNS = 40
_FLAGS = re.IGNORECASE | re.MULTILINE


@dataclass(frozen=True)
class Interjection:
    when_asked: str
    say: str
    reply_must: tuple[str, ...] = ()
    reply_must_not: tuple[str, ...] = ()


@dataclass(frozen=True)
class Dialogue:
    id: str
    opening: str
    diver: dict[str, str]
    interjections: tuple[Interjection, ...] = ()
    expect: dict[str, str] = field(default_factory=dict)
    expect_not: dict[str, str] = field(default_factory=dict)
    never_asked: tuple[str, ...] = ()

    @property
    def split(self) -> Split:
        return split_of(self.id)


def load_dialogues(path: Path = DIALOGUES_FILE) -> list[Dialogue]:
    data = yaml.safe_load(path.read_text())
    return [
        Dialogue(
            id=str(item["id"]),
            opening=str(item["opening"]),
            diver={k: str(v) for k, v in (item.get("diver") or {}).items()},
            interjections=tuple(
                Interjection(
                    when_asked=str(i["when_asked"]),
                    say=str(i["say"]),
                    reply_must=tuple(i.get("reply_must") or ()),
                    reply_must_not=tuple(i.get("reply_must_not") or ()),
                )
                for i in item.get("interjections") or ()
            ),
            expect={k: str(v) for k, v in (item.get("expect") or {}).items()},
            expect_not={k: str(v) for k, v in (item.get("expect_not") or {}).items()},
            never_asked=tuple(item.get("never_asked") or ()),
        )
        for item in data["dialogues"]
    ]


def shown(value: Any) -> str:
    """A slot value as a regex sees it: whole numbers without ".0"."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return "" if value is None else str(value)


def reply_failures(interjection: Interjection, reply: str) -> list[str]:
    said = f"after {interjection.say!r}"
    failures = [
        f"{said}: reply_must {p}"
        for p in interjection.reply_must
        if not re.search(p, reply, _FLAGS)
    ]
    failures += [
        f"{said}: reply_must_not {p}"
        for p in interjection.reply_must_not
        if re.search(p, reply, _FLAGS)
    ]
    return failures


def _readings(slot: str, value: Any) -> tuple[str, ...]:
    """A slot's value as stored and as the diver reads it in the summary ("12-15 Jun 2027")."""
    stored = shown(value)
    if value is None or slot not in LABELS:
        return (stored,)
    return (stored, display(slot, value))


def final_failures(
    dialogue: Dialogue, summary_slots: dict[str, Any] | None, asked: list[str]
) -> list[str]:
    """The end-of-dialogue checks: the summary's values and the fields never asked."""
    if summary_slots is None:
        return ["never reached the summary"]
    failures = [
        f"{slot}: {shown(summary_slots.get(slot))!r} does not match {pattern!r}"
        for slot, pattern in dialogue.expect.items()
        if not any(
            re.search(pattern, reading, _FLAGS)
            for reading in _readings(slot, summary_slots.get(slot))
        )
    ]
    failures += [
        f"{slot}: {shown(summary_slots.get(slot))!r} matches the replaced {pattern!r}"
        for slot, pattern in dialogue.expect_not.items()
        if any(
            re.search(pattern, reading, _FLAGS)
            for reading in _readings(slot, summary_slots.get(slot))
        )
    ]
    failures += [f"asked {slot}" for slot in dialogue.never_asked if slot in asked]
    return failures


class Conversation(Protocol):
    """What a dialogue needs from the stack: send a message, read the tracker."""

    def say(self, sender: str, text: str) -> list[str]: ...

    def tracker(self, sender: str) -> dict[str, Any]: ...


@dataclass
class Played:
    """A played dialogue: its failed checks, last reply and turn latencies."""

    failures: list[str]
    last_reply: str
    seconds: list[float]
    transcript: list[tuple[str, str]]


def _latest_actions(events: list[dict[str, Any]]) -> list[str]:
    last_user = max((i for i, e in enumerate(events) if e.get("event") == "user"), default=-1)
    return [e.get("name", "") for e in events[last_user + 1 :] if e.get("event") == "action"]


def play_dialogue(conversation: Conversation, dialogue: Dialogue) -> Played:
    sender = f"repair-{dialogue.id}-{uuid.uuid4().hex[:8]}"
    pending = list(dialogue.interjections)
    failures: list[str] = []
    asked: list[str] = []
    seconds: list[float] = []
    transcript: list[tuple[str, str]] = []
    summary_slots: dict[str, Any] | None = None
    text = dialogue.opening
    interjection: Interjection | None = None
    for _ in range(MAX_TURNS):
        started = time.perf_counter()
        reply = "\n".join(conversation.say(sender, text))
        seconds.append(time.perf_counter() - started)
        transcript.append((text, reply))
        if interjection is not None:
            failures += reply_failures(interjection, reply)
        state = conversation.tracker(sender)
        slots = state.get("slots", {})
        requested = slots.get("requested_slot")
        if not (state.get("active_loop") or {}).get("name") or requested is None:
            break
        if CARRY_ON_ACTION in _latest_actions(state.get("events", [])):
            text, interjection = "yes", None
            continue
        if requested not in asked:
            asked.append(requested)
        moment = SUMMARY if requested == SUMMARY_SLOT else requested
        if requested == SUMMARY_SLOT:
            summary_slots = dict(slots)
        if pending and pending[0].when_asked == moment:
            interjection = pending.pop(0)
            text = interjection.say
        elif requested == SUMMARY_SLOT:
            text, interjection = "yes", None
        else:
            text = dialogue.diver.get(requested, "yes" if requested == "lead_consent" else "skip")
            interjection = None
    else:
        failures.append(f"no end after {MAX_TURNS} turns")
    failures += [f"interjection never said: {i.say!r}" for i in pending]
    failures += final_failures(dialogue, summary_slots, asked)
    return Played(failures, transcript[-1][1] if transcript else "", seconds, transcript)
