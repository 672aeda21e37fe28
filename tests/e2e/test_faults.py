"""Faults against the real processes: a backend dies, stalls or loses its
database, and divers still get polite replies and their conversations go on.

These tests break things, so they run on a stack of their own (with a fake
Gemini server that is too slow, to see the timeout path end to end).
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import psycopg
import pytest
import requests

from dovvybuddy.ops.launcher import LaunchedStack
from tests.fakes.gemini_server import Behaviour, FakeGemini, answer
from tests.fakes.lead_receivers import SmtpInbox

pytestmark = pytest.mark.e2e

TURN_TIMEOUT_SECONDS = 10
TROUBLE = "having trouble answering right now"
SLOW = "taking me longer than usual"
ACTION_SERVER = "action server"
RASA_SERVER = "Rasa server"


@pytest.fixture(scope="module")
def gemini() -> Iterator[FakeGemini]:
    fake = FakeGemini(default=Behaviour(body=answer("too late").body, delay_seconds=5))
    yield fake
    fake.close()


@pytest.fixture(scope="module")
def fault_stack(
    tmp_path_factory: pytest.TempPathFactory, smtp_server: SmtpInbox, gemini: FakeGemini
) -> Iterator[LaunchedStack]:
    launched = LaunchedStack(
        tmp_path_factory.mktemp("fault-stack"),
        extra_env={
            "DOVVY_SMTP_HOST": "127.0.0.1",
            "DOVVY_SMTP_PORT": str(smtp_server.port),
            "DOVVY_LEAD_RETRY_BASE_SECONDS": "0.5",
            "DOVVY_TURN_TIMEOUT_SECONDS": str(TURN_TIMEOUT_SECONDS),
            "GEMINI_API_KEY": "fake-key",
            "GEMINI_BASE_URL": gemini.url,
            "GEMINI_TIMEOUT_SECONDS": "1",
        },
    )
    launched.start()
    yield launched
    assert launched.stop() == 0, launched.output()
    # The tests restarted PostgreSQL behind pgserver's back, so pgserver no
    # longer knows the server it should stop: stop it here.
    with contextlib.suppress(subprocess.CalledProcessError):
        postgres(launched, "stop", "-m", "fast")


def current_pid(stack: LaunchedStack, name: str) -> int:
    """The pid of a stack child now (the stack rewrites stack.json on a restart)."""
    return json.loads((stack.var_dir / "stack.json").read_text())["pids"][name]


def eventually(check: Callable[[], bool], timeout: float = 120.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if check():
                return
        except (requests.RequestException, OSError, KeyError, ValueError):
            pass
        time.sleep(0.5)
    raise AssertionError(f"not true within {timeout} s")


def answered_with_a_source(stack: LaunchedStack, sender: str) -> bool:
    return any("Source:" in text for text in stack.say(sender, "how do I clear my mask?"))


def postgres(stack: LaunchedStack, *args: str) -> None:
    """pg_ctl on the stack's embedded server (as pgserver runs it)."""
    from pgserver._commands import pg_ctl

    user = "pgserver" if os.geteuid() == 0 else None
    pg_ctl(["-w", *args], pgdata=Path(stack.var_dir) / "postgres", user=user, timeout=60)


def test_a_gemini_timeout_falls_back_to_the_extractive_answer(fault_stack, gemini, sender):
    asked = len(gemini.requests)
    started = time.monotonic()
    replies = fault_stack.say(sender, "how do I equalize my ears?")
    assert any("Source:" in text for text in replies)
    assert len(gemini.requests) > asked, "the Gemini path was not tried"
    assert time.monotonic() - started < TURN_TIMEOUT_SECONDS + 2


def test_with_the_action_server_down_the_diver_gets_a_polite_reply_then_answers(
    fault_stack, sender
):
    before = current_pid(fault_stack, ACTION_SERVER)
    os.killpg(before, signal.SIGKILL)
    replies = fault_stack.say(sender, "how do I clear my mask?")
    assert replies and TROUBLE in replies[-1]
    eventually(lambda: current_pid(fault_stack, ACTION_SERVER) != before)
    eventually(lambda: answered_with_a_source(fault_stack, sender))


def test_a_stalled_action_server_gets_a_polite_reply_in_time_then_the_turn_completes(
    fault_stack, sender
):
    pid = current_pid(fault_stack, ACTION_SERVER)
    os.killpg(pid, signal.SIGSTOP)
    try:
        started = time.monotonic()
        replies = fault_stack.say(sender, "how do I clear my mask?")
        assert time.monotonic() - started < TURN_TIMEOUT_SECONDS + 3
        assert replies and SLOW in replies[-1]
    finally:
        os.killpg(pid, signal.SIGCONT)
    eventually(lambda: answered_with_a_source(fault_stack, sender), timeout=60)
    assert current_pid(fault_stack, ACTION_SERVER) == pid, "it was never restarted"


def test_rasa_and_the_actions_recover_from_a_database_restart_without_restarting(
    fault_stack, sender
):
    pids = {name: current_pid(fault_stack, name) for name in (RASA_SERVER, ACTION_SERVER)}
    fault_stack.say(sender, "I'm advanced open water with about 40 dives")
    profile = fault_stack.api(f"/conversations/{sender}/tracker").json()["slots"]
    assert profile["certification_level"] and profile["dive_count"]
    postgres(fault_stack, "stop", "-m", "fast")
    try:
        replies = fault_stack.say(sender, "hi")
        assert replies and all(text.strip() for text in replies)
    finally:
        postgres(fault_stack, "restart")
    eventually(lambda: answered_with_a_source(fault_stack, sender), timeout=60)
    slots = fault_stack.api(f"/conversations/{sender}/tracker").json()["slots"]
    assert (slots["certification_level"], slots["dive_count"]) == (
        profile["certification_level"],
        profile["dive_count"],
    )
    assert {name: current_pid(fault_stack, name) for name in pids} == pids


def test_a_lead_confirmed_while_the_database_is_down_is_stored_and_delivered_later(
    fault_stack, sender, smtp_server
):
    email = "outage.diver@example.com"
    for text in (
        "I want to learn to dive in Tioman",
        "Olive Tan",
        email,
        "skip",
        "none yet",
        "open water",
        "early May",
        "any of them",
        "skip",
        "yes",
    ):
        fault_stack.say(sender, text)
    # Hold the action server so the database goes down between Rasa reading
    # the conversation and the action storing the lead.
    action_server = current_pid(fault_stack, ACTION_SERVER)
    os.killpg(action_server, signal.SIGSTOP)
    confirmation: list[str] = []
    confirm = threading.Thread(target=lambda: confirmation.extend(fault_stack.say(sender, "yes")))
    confirm.start()
    try:
        time.sleep(1.0)
        postgres(fault_stack, "stop", "-m", "fast")
    finally:
        os.killpg(action_server, signal.SIGCONT)
    confirm.join(timeout=30)
    try:
        assert confirmation and "Done!" in confirmation[-1]
        spool = Path(fault_stack.var_dir) / "lead_spool"
        assert len(list(spool.glob("*.json"))) == 1
    finally:
        postgres(fault_stack, "restart")

    def stored() -> bool:
        with psycopg.connect(fault_stack.info["database_url"]) as conn:
            return conn.execute("SELECT 1 FROM leads WHERE email = %s", (email,)).fetchone()

    eventually(stored, timeout=90)
    smtp_server.message_containing(email, timeout=60)
