"""The action server answers only Rasa, and only on the address settings give."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator

import psutil
import pytest
import requests

from dovvybuddy.common.settings import PROJECT_ROOT
from dovvybuddy.ops.launcher import free_port

TOKEN = "test-action-token"
EMERGENCY_CALL = {
    "next_action": "action_emergency_guidance",
    "sender_id": "diver",
    "tracker": {
        "sender_id": "diver",
        "slots": {},
        "latest_message": {"text": "my buddy is unconscious", "entities": []},
        "events": [],
        "paused": False,
        "followup_action": None,
        "active_loop": {},
        "latest_action_name": "action_listen",
    },
    "domain": {},
}


@pytest.fixture(scope="module")
def action_server() -> Iterator[tuple[str, subprocess.Popen]]:
    port = free_port()
    env = {
        **{name: value for name, value in os.environ.items() if name != "DOVVY_BIND_HOST"},
        "ACTION_SERVER_TOKEN": TOKEN,
        "PYTHONPATH": str(PROJECT_ROOT),
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "actions.server", "--port", str(port)],
        cwd=PROJECT_ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                if requests.get(f"{url}/health", timeout=2).status_code == 200:
                    break
            except requests.RequestException:
                time.sleep(0.5)
        else:
            pytest.fail("the action server did not start")
        yield url, process
    finally:
        process.terminate()
        process.wait(timeout=30)


def test_health_needs_no_token(action_server):
    url, _ = action_server
    assert requests.get(f"{url}/health", timeout=5).json() == {"status": "ok"}


@pytest.mark.parametrize("params", [{}, {"token": "guess"}, {"token": ""}])
def test_an_action_call_without_the_token_is_refused(action_server, params):
    url, _ = action_server
    reply = requests.post(f"{url}/webhook", json=EMERGENCY_CALL, params=params, timeout=10)
    assert reply.status_code == 401
    assert reply.json()["error"] == "unauthorized"


def test_the_action_list_is_refused_without_the_token(action_server):
    url, _ = action_server
    assert requests.get(f"{url}/actions", timeout=10).status_code == 401


def test_rasa_with_the_token_runs_the_action(action_server):
    url, _ = action_server
    reply = requests.post(
        f"{url}/webhook", json=EMERGENCY_CALL, params={"token": TOKEN}, timeout=30
    )
    assert reply.status_code == 200
    assert reply.json()["responses"][0]["text"].startswith("This sounds like a diving emergency")


def test_it_listens_on_loopback_only_by_default(action_server):
    _, process = action_server
    family = psutil.Process(process.pid)
    processes = [family, *family.children(recursive=True)]
    addresses = {
        connection.laddr.ip
        for member in processes
        for connection in member.net_connections(kind="tcp")
        if connection.status == psutil.CONN_LISTEN
    }
    assert addresses == {"127.0.0.1"}
