"""Benchmarks that print numbers: `make bench`.

Measures, on this machine, against the real stack on loopback:
- seconds from starting the stack (as `make run` does, model already trained)
  to the first reply, for a first start (empty database: migrations and
  ingestion included) and for a restart;
- REST turn latency p50/p95 for a rule-handled turn and for a grounded answer
  (offline extractive mode), sequential requests;
- peak RSS of each process;
- optionally (`--train`) a full `rasa train` wall time and peak RSS.

Prints JSON and writes it to reports/bench.json.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil

from dovvybuddy.common.reports import percentiles, write_report
from dovvybuddy.common.settings import PROJECT_ROOT, load_settings
from dovvybuddy.ops.launcher import ONE_ADDRESS_MANY_DIVERS, LaunchedStack
from dovvybuddy.ops.processes import child_environment

REPORT_FILE = PROJECT_ROOT / "reports" / "bench.json"
RULE_TURNS = 200
ANSWER_TURNS = 100
TURNS_PER_CONVERSATION = 10
ANSWER_QUESTIONS = [
    "how long does the open water course take",
    "what is the best season for tioman",
    "how do I clear my mask",
    "what should I pack for a dive trip",
    "is barracuda point hard",
]


class PeakMemory:
    """Samples RSS while the benchmark runs and keeps each part's peak (MB).

    Each child of the stack counts with its whole subtree (Sanic workers
    included); PostgreSQL runs detached (pg_ctl daemonises it), so its
    processes are found by their data directory.
    """

    def __init__(self, root_pid: int, postgres_dir: Path) -> None:
        self.root = psutil.Process(root_pid)
        self.postgres_dir = str(postgres_dir)
        self.peaks: dict[str, float] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    @staticmethod
    def _name(process: psutil.Process) -> str:
        command = " ".join(process.cmdline())
        if "rasa_sdk" in command:
            return "action_server"
        if "bin/rasa" in command:
            return "rasa_server"
        if "dovvybuddy.leads.delivery" in command:
            return "lead_delivery_worker"
        return "other"

    @staticmethod
    def _tree_rss(process: psutil.Process) -> float:
        total = 0.0
        for member in [process, *process.children(recursive=True)]:
            try:
                total += member.memory_info().rss
            except (psutil.NoSuchProcess, psutil.AccessDenied):
                continue
        return total / 2**20

    def _postgres_rss(self) -> float:
        leaders = [
            p
            for p in psutil.process_iter(["name", "cmdline"])
            if p.info["name"] == "postgres"
            and self.postgres_dir in " ".join(p.info["cmdline"] or [])
        ]
        return sum(self._tree_rss(leader) for leader in leaders)

    def _sample(self) -> None:
        totals = {
            "orchestrator": self.root.memory_info().rss / 2**20,
            "postgres": self._postgres_rss(),
        }
        for child in self.root.children():
            try:
                name = self._name(child)
                totals[name] = totals.get(name, 0.0) + self._tree_rss(child)
            except psutil.NoSuchProcess:
                continue
        for name, megabytes in totals.items():
            self.peaks[name] = max(self.peaks.get(name, 0.0), megabytes)

    def _run(self) -> None:
        while not self._stop.wait(0.1):
            try:
                self._sample()
            except psutil.NoSuchProcess:
                return

    def __enter__(self) -> PeakMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def first_reply_seconds(stack: LaunchedStack) -> float:
    """Start the stack and poll the REST channel until it answers."""
    started = time.monotonic()
    thread = threading.Thread(target=stack.start, daemon=True)
    thread.start()
    while True:
        try:
            if stack.say("bench-first-reply", "hi"):
                break
        except Exception:  # not listening yet
            time.sleep(0.2)
        if not thread.is_alive() and stack.process and stack.process.poll() is not None:
            raise RuntimeError(f"the stack exited:\n{stack.output()}")
    elapsed = time.monotonic() - started
    thread.join()
    return elapsed


def timed_turns(stack: LaunchedStack, prefix: str, messages: list[str], turns: int) -> list[float]:
    seconds = []
    for turn in range(turns):
        sender = f"{prefix}-{turn // TURNS_PER_CONVERSATION}"
        started = time.perf_counter()
        replies = stack.say(sender, messages[turn % len(messages)])
        seconds.append(time.perf_counter() - started)
        if not replies:
            raise RuntimeError(f"empty reply on turn {turn}")
    return seconds


def bench_stack(var_dir: Path) -> dict:
    stack = LaunchedStack(var_dir, extra_env=ONE_ADDRESS_MANY_DIVERS)
    first_start = first_reply_seconds(stack)
    assert stack.stop() == 0, stack.output()
    stack.session.close()
    stack = LaunchedStack(var_dir, extra_env=ONE_ADDRESS_MANY_DIVERS)
    restart = first_reply_seconds(stack)
    try:
        with PeakMemory(stack.process.pid, var_dir / "postgres") as memory:
            rule = timed_turns(stack, "bench-rule", ["hi"], RULE_TURNS)
            answers = timed_turns(stack, "bench-answer", ANSWER_QUESTIONS, ANSWER_TURNS)
    finally:
        stack.stop()
    return {
        "first_start_to_first_reply_seconds": round(first_start, 1),
        "restart_to_first_reply_seconds": round(restart, 1),
        "rule_turn": percentiles(rule),
        "grounded_answer_turn_offline": percentiles(answers),
        "peak_rss_mb": {name: round(mb) for name, mb in sorted(memory.peaks.items())},
    }


def bench_training() -> dict:
    """A full `rasa train` (empty cache) into a scratch directory: wall time and peak RSS."""
    settings = load_settings()
    log_path = settings.log_dir / "bench-train.log"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as out, open(log_path, "wb") as log:
        started = time.monotonic()
        process = subprocess.Popen(
            [str(settings.rasa_executable), "train", "--out", out, "--fixed-model-name", "bench"],
            cwd=PROJECT_ROOT,
            # A fresh cache directory, or Rasa reuses the cached components.
            env=child_environment({"RASA_CACHE_DIRECTORY": str(Path(out) / "cache")}),
            # A log file, not /dev/null: measured here, `rasa train` with its
            # output sent to /dev/null stops early (exit code 0, no model).
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        peak = 0.0
        watched = psutil.Process(process.pid)
        while process.poll() is None:
            try:
                tree = [watched, *watched.children(recursive=True)]
                peak = max(peak, sum(p.memory_info().rss for p in tree) / 2**20)
            except psutil.NoSuchProcess:
                pass
            time.sleep(0.2)
        if process.returncode or not (Path(out) / "bench.tar.gz").exists():
            raise RuntimeError(f"rasa train failed; see {log_path}")
        return {"wall_seconds": round(time.monotonic() - started, 1), "peak_rss_mb": round(peak)}


def bench_report(train: bool = False) -> dict:
    """The machine, the stack's timings and (with `train`) a full training's."""
    var_dir = Path(tempfile.mkdtemp(prefix="dovvybuddy-bench-"))
    try:
        results = {
            "machine": {
                "cpus": psutil.cpu_count(),
                "memory_gb": round(psutil.virtual_memory().total / 2**30),
            },
            **bench_stack(var_dir),
        }
    finally:
        shutil.rmtree(var_dir, ignore_errors=True)
    if train:
        results["rasa_train"] = bench_training()
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m dovvybuddy.evaluation.bench",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--train", action="store_true", help="also time a full rasa train")
    args = parser.parse_args(argv)
    results = bench_report(train=args.train)
    write_report(REPORT_FILE, results, merge=True)
    print(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
