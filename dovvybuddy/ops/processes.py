"""Starting, watching and stopping the child processes of the stack."""

from __future__ import annotations

import os
import signal
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from dovvybuddy.common.settings import PROJECT_ROOT

# There is no network here and no telemetry wanted anywhere; TensorFlow and
# SQLAlchemy otherwise fill the logs with warnings that bury real problems.
QUIET_RASA_ENVIRONMENT = {
    "RASA_TELEMETRY_ENABLED": "false",
    "TF_CPP_MIN_LOG_LEVEL": "3",
    "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
    "SQLALCHEMY_WARN_20": "0",
}


# A child that dies within STABLE_AFTER_SECONDS of starting is restarted after
# a doubling back-off (capped); after MAX_QUICK_EXITS such exits in a row the
# stack gives up instead of restarting forever.
STABLE_AFTER_SECONDS = 60.0
MAX_BACKOFF_SECONDS = 30.0
MAX_QUICK_EXITS = 5


class CrashLoop(RuntimeError):
    """A child process that exits again and again right after starting."""


def child_environment(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment every child process runs with."""
    env = dict(os.environ)
    env.update(QUIET_RASA_ENVIRONMENT)
    # Rasa and the action server both run the NumPy MiniLM encoder on small
    # matrices. With OpenBLAS's default of a thread per core, their spinning
    # threads fought over the 2 cores: the grounded-answer turn measured p50
    # 118 ms, p95 188 ms; with one thread each, 77 ms and 84 ms (make bench).
    env.setdefault("OPENBLAS_NUM_THREADS", "1")
    # Rasa loads `connectors.*` and both sides import `dovvybuddy.common.settings`.
    env["PYTHONPATH"] = os.pathsep.join(
        part for part in (str(PROJECT_ROOT), env.get("PYTHONPATH", "")) if part
    )
    env.update(extra or {})
    return env


@dataclass
class ChildProcess:
    """A named child process whose output goes to a log file; restartable."""

    name: str
    process: subprocess.Popen
    log_path: Path
    command: Sequence[str]
    env: Mapping[str, str]
    health_url: str | None = None
    start_timeout: float = 120.0
    started_at: float = field(default_factory=time.monotonic)
    quick_exits: int = 0

    def is_running(self) -> bool:
        return self.process.poll() is None

    def wait_until_ready(self) -> None:
        """Block until the health URL answers (nothing to wait for without one)."""
        if self.health_url:
            wait_for_http(self.health_url, self, self.start_timeout)

    def restart(self) -> None:
        """Start the same command again, after a back-off if it keeps dying young.

        Raises CrashLoop once it has exited soon after starting too many times
        in a row: then something is wrong that a restart cannot fix.
        """
        lived = time.monotonic() - self.started_at
        self.quick_exits = self.quick_exits + 1 if lived < STABLE_AFTER_SECONDS else 0
        if self.quick_exits > MAX_QUICK_EXITS:
            raise CrashLoop(f"{self.name} keeps exiting right after it starts")
        time.sleep(min(MAX_BACKOFF_SECONDS, 2.0**self.quick_exits - 1))
        self.process = _spawn(self.command, self.log_path, self.env)
        self.started_at = time.monotonic()

    def log_tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    def stop(self, timeout: float = 15.0) -> None:
        """SIGTERM the process group, then SIGKILL what is left after `timeout`."""
        if not self.is_running():
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()


def start_child(
    name: str,
    command: Sequence[str],
    log_path: Path,
    env: Mapping[str, str],
    health_url: str | None = None,
    start_timeout: float = 120.0,
) -> ChildProcess:
    """Start `command` in its own process group (so Ctrl-C reaches only the parent).

    `health_url`, if given, answers 200 once the child is ready to serve.
    """
    return ChildProcess(
        name,
        _spawn(command, log_path, env),
        log_path,
        list(command),
        dict(env),
        health_url,
        start_timeout,
    )


def _spawn(command: Sequence[str], log_path: Path, env: Mapping[str, str]) -> subprocess.Popen:
    log_path.parent.mkdir(parents=True, exist_ok=True)
    log_file = open(log_path, "ab")  # the child keeps the descriptor
    process = subprocess.Popen(
        list(command),
        cwd=PROJECT_ROOT,
        env=dict(env),
        stdin=subprocess.DEVNULL,
        stdout=log_file,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    log_file.close()
    return process


def wait_for_http(url: str, child: ChildProcess, timeout: float) -> None:
    """Poll `url` until it answers 200; fail early if `child` exits meanwhile."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not child.is_running():
            raise RuntimeError(
                f"{child.name} exited with code {child.process.returncode} while starting. "
                f"Last lines of {child.log_path}:\n{child.log_tail()}"
            )
        try:
            with urllib.request.urlopen(url, timeout=2) as reply:
                if reply.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.25)
    raise RuntimeError(
        f"{child.name} did not answer {url} within {timeout:.0f} s. "
        f"Last lines of {child.log_path}:\n{child.log_tail()}"
    )
