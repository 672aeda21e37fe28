"""Load test: `make load`.

N simulated divers (default 50) hold realistic multi-turn conversations over
the REST channel for a bounded time, against a stack started for the purpose
on loopback (as `make bench` does) or against a running one (`--url`). Each
diver arrives at a random moment within the first thinking time, picks a
conversation script, waits a "thinking" time between turns (default 3-8 s:
reading the reply and typing the next message), and starts a new
conversation (new sender id) when a script ends.

Every reply is checked: a transport error or non-200 status is an error, a
reply with no text is an empty reply, and the channel's "having trouble" or
"taking longer" texts count as degraded. Prints JSON and writes
reports/load.json: turns per second and p50/p95/p99 latency per turn type.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import sys
import tempfile
import time
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from dovvybuddy.common.reports import percentiles, write_report
from dovvybuddy.common.settings import PROJECT_ROOT
from dovvybuddy.ops.launcher import ONE_ADDRESS_MANY_DIVERS, LaunchedStack, conversation_id

REPORT_FILE = PROJECT_ROOT / "reports" / "load.json"
DEGRADED_REPLIES = ("I'm having trouble answering", "taking me longer than usual")

# (turn type, message). Turn types: "rule" (answered by rules and responses),
# "answer" (retrieval + extractive answer), "sites" (site suggestions from the
# profile), "form" (a lead-form step), "safety" (emergency guidance).
CONVERSATIONS: list[list[tuple[str, str]]] = [
    [
        ("rule", "hi"),
        ("answer", "how long does the open water course take?"),
        ("answer", "what is the best season for tioman"),
        ("rule", "thanks!"),
        ("rule", "bye"),
    ],
    [
        ("rule", "hello there"),
        ("sites", "I'm advanced open water with about 40 dives"),
        ("sites", "which sites in Sipadan would suit me?"),
        ("answer", "do I need a permit for sipadan"),
        ("rule", "thank you"),
    ],
    [
        ("form", "I want to learn to dive in Tioman"),
        ("form", "Load Tester"),
        ("form", "load.tester@example.com"),
        ("form", "skip"),
        ("form", "none yet"),
        ("form", "open water"),
        ("form", "early May"),
        ("form", "skip"),
        ("form", "no"),
    ],
    [
        ("rule", "hey"),
        ("answer", "I'm scared of clearing my mask underwater"),
        ("answer", "how do I equalize my ears"),
        ("safety", "help my buddy surfaced too fast and has chest pain"),
    ],
    [
        ("answer", "what's the difference between PADI and SSI"),
        ("answer", "is NAUI open water the same as PADI open water?"),
        ("sites", "suggest a dive site in Redang for a beginner"),
        ("rule", "goodbye"),
    ],
]


@dataclass
class Results:
    """What the simulated divers saw."""

    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: Counter = field(default_factory=Counter)
    empty_replies: int = 0
    degraded_replies: int = 0
    conversations: int = 0

    def record(self, turn_type: str, seconds: float, reply: httpx.Response | None) -> None:
        if reply is None or reply.status_code != 200:
            self.errors[f"{turn_type}: {reply.status_code if reply else 'no response'}"] += 1
            return
        self.latencies[turn_type].append(seconds)
        texts = [message.get("text", "") for message in reply.json()]
        if not any(text.strip() for text in texts):
            self.empty_replies += 1
        elif any(marker in text for text in texts for marker in DEGRADED_REPLIES):
            self.degraded_replies += 1


async def diver(
    client: httpx.AsyncClient,
    url: str,
    deadline: float,
    rng: random.Random,
    think_seconds: tuple[float, float],
    results: Results,
) -> None:
    """One simulated diver: conversation after conversation until the deadline."""
    # Divers arrive over the first think time, not all in the same millisecond.
    await asyncio.sleep(rng.uniform(0, think_seconds[1]))
    while time.monotonic() < deadline:
        sender = conversation_id(f"load-{uuid.uuid4().hex[:12]}")
        for turn_type, text in rng.choice(CONVERSATIONS):
            if time.monotonic() >= deadline:
                return
            started = time.monotonic()
            try:
                reply = await client.post(url, json={"sender": sender, "message": text})
            except httpx.HTTPError:
                reply = None
            results.record(turn_type, time.monotonic() - started, reply)
            await asyncio.sleep(rng.uniform(*think_seconds))
        results.conversations += 1


async def run_load(
    rasa_url: str, users: int, seconds: float, think_seconds: tuple[float, float], seed: int
) -> dict:
    """Run `users` divers for `seconds`; return the report."""
    results = Results()
    url = f"{rasa_url}/webhooks/rest/webhook"
    limits = httpx.Limits(max_connections=users, max_keepalive_connections=users)
    async with httpx.AsyncClient(timeout=60.0, limits=limits) as client:
        started = time.monotonic()
        deadline = started + seconds
        await asyncio.gather(
            *(
                diver(client, url, deadline, random.Random(seed + n), think_seconds, results)
                for n in range(users)
            )
        )
        elapsed = time.monotonic() - started
    turns = sum(len(values) for values in results.latencies.values()) + sum(results.errors.values())
    non_llm = [value for values in results.latencies.values() for value in values]
    return {
        "users": users,
        "seconds": round(elapsed, 1),
        "think_seconds": list(think_seconds),
        "turns": turns,
        "turns_per_second": round(turns / elapsed, 1),
        "conversations_completed": results.conversations,
        "errors": sum(results.errors.values()),
        "error_kinds": dict(results.errors),
        "empty_replies": results.empty_replies,
        "degraded_replies": results.degraded_replies,
        # Gemini is not configured in this run, so every turn is a non-LLM turn.
        "all_turns": percentiles(non_llm),
        "by_turn_type": {
            kind: percentiles(values) for kind, values in sorted(results.latencies.items())
        },
    }


def load_report(
    url: str | None, users: int, seconds: float, think: tuple[float, float], seed: int
) -> dict:
    """Run the load against `url`, or against a stack started for it when `url` is None."""
    if url:
        return asyncio.run(run_load(url, users, seconds, think, seed))
    with tempfile.TemporaryDirectory(prefix="dovvybuddy-load-") as var_dir:
        stack = LaunchedStack(Path(var_dir), extra_env=ONE_ADDRESS_MANY_DIVERS)
        stack.start()
        try:
            return asyncio.run(run_load(stack.rasa_url, users, seconds, think, seed))
        finally:
            stack.stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m dovvybuddy.evaluation.load", description=__doc__
    )
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--think", type=float, nargs=2, default=(3.0, 8.0), metavar=("MIN", "MAX"))
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--url", help="a running stack's Rasa URL (default: start one)")
    parser.add_argument(
        "--report",
        type=Path,
        default=REPORT_FILE,
        help="where to write the figures (the stress run writes reports/load_stress.json)",
    )
    args = parser.parse_args(argv)
    think = (args.think[0], args.think[1])
    report = load_report(args.url, args.users, args.seconds, think, args.seed)
    print(json.dumps(report, indent=2))
    write_report(args.report, report)
    return 0 if report["errors"] == 0 and report["empty_replies"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
