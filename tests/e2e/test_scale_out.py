"""Two Rasa replicas serving the same divers, as behind a load balancer.

Both replicas share the stack's PostgreSQL tracker store and action server,
and a Redis lock store (Debian's redis-server, started here): one
conversation can alternate between them turn by turn, and messages for one
diver sent to both at once are handled one after the other.
"""

from __future__ import annotations

import shutil
import subprocess
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import psycopg
import pytest
import requests

from dovvybuddy.ops.launcher import RasaReplica, free_port, start_rasa_replica

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def redis_port(tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    server = shutil.which("redis-server")
    assert server, "redis-server is missing: run `make system-packages`"
    port = free_port()
    process = subprocess.Popen(
        [server, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        cwd=tmp_path_factory.mktemp("redis"),
        stdout=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 10
    while redis_cli(port, "PING") != "PONG":
        assert time.monotonic() < deadline, "redis-server did not start"
        time.sleep(0.1)
    yield port
    process.terminate()
    process.wait(timeout=10)


def redis_cli(port: int, *command: str) -> str:
    done = subprocess.run(
        ["redis-cli", "-p", str(port), *command], capture_output=True, text=True, check=False
    )
    return done.stdout.strip()


def lock_store_commands(port: int) -> int:
    stats = redis_cli(port, "INFO", "commandstats")
    return sum(
        int(line.split("calls=")[1].split(",")[0])
        for line in stats.splitlines()
        if line.startswith(("cmdstat_get:", "cmdstat_set:", "cmdstat_del:"))
    )


@pytest.fixture(scope="module")
def replicas(stack, redis_port) -> Iterator[list[RasaReplica]]:
    started: list[RasaReplica] = []
    try:
        for _ in range(2):
            started.append(
                start_rasa_replica(stack, {"REDIS_URL": f"redis://127.0.0.1:{redis_port}/1"})
            )
        yield started
    finally:
        for replica in started:
            replica.stop()


def say(replica: RasaReplica, sender: str, text: str) -> list[str]:
    reply = requests.post(
        f"{replica.url}/webhooks/rest/webhook",
        json={"sender": sender, "message": text},
        timeout=60,
    )
    reply.raise_for_status()
    return [message["text"] for message in reply.json() if "text" in message]


def tracker(replica: RasaReplica, sender: str) -> dict:
    return requests.get(
        f"{replica.url}/conversations/{sender}/tracker", params={"token": replica.token}, timeout=30
    ).json()


def test_a_lead_form_alternating_between_replicas_turn_by_turn_completes(
    stack, replicas, redis_port, sender
):
    turns = [
        ("I want to learn to dive in Perhentian", "What's your name?"),
        ("Rina Osman", "email"),
        ("rina.osman@example.com", "phone"),
        ("skip", "certification"),
        ("none yet", "Which course"),
        ("open water", "When would you like to go?"),
        ("in August", "Which dive centre"),
        ("any of them", "Anything else"),
        ("skip", "May I share these details"),
        ("yes", "Here's what I'll send"),
        ("yes", "sent your enquiry"),
    ]
    before = lock_store_commands(redis_port)
    for number, (text, expected) in enumerate(turns):
        replies = say(replicas[number % 2], sender, text)
        assert expected in " ".join(replies), (number, text, replies)
    assert lock_store_commands(redis_port) > before, "the replicas did not use the Redis locks"
    with psycopg.connect(stack.info["database_url"]) as conn:
        [(name, partner)] = conn.execute(
            "SELECT name, partner_id FROM leads WHERE email = %s", ("rina.osman@example.com",)
        ).fetchall()
    assert (name, partner) == ("Rina Osman", "perhentian-demo-divers")
    state = [tracker(replica, sender) for replica in replicas]
    assert state[0]["slots"] == state[1]["slots"]
    assert state[0]["active_loop"] in ({}, None, {"name": None})


def test_messages_for_one_diver_sent_to_both_replicas_at_once_are_handled_in_turn(replicas, sender):
    messages = [f"I'm advanced open water with {count} dives" for count in range(10, 18)]
    with ThreadPoolExecutor(max_workers=len(messages)) as pool:
        replies = list(
            pool.map(lambda item: say(replicas[item[0] % 2], sender, item[1]), enumerate(messages))
        )
    assert all(replies), "every message gets a reply"
    events = tracker(replicas[0], sender)["events"]
    user_texts = [event["text"] for event in events if event["event"] == "user"]
    assert sorted(user_texts) == sorted(messages), "each message is stored exactly once"
    # Turns never interleave: after each user message the bot finishes (listens)
    # before the next user message is processed.
    kinds = [
        "user" if event["event"] == "user" else "listen"
        for event in events
        if event["event"] == "user"
        or (event["event"] == "action" and event["name"] == "action_listen")
    ]
    assert "user,user" not in ",".join(kinds)
    assert kinds[-1] == "listen"
