"""A stack that is starting answers "one moment", never "having trouble".

`make run` starts Rasa while the knowledge base is ingested and the action
server starts. A diver who writes in that window must get either a 503 with
Retry-After (the widget then says it is starting up and retries) or a real
answer.
"""

from __future__ import annotations

import socket
import threading
import time

import pytest
import requests

from dovvybuddy.ops.launcher import ONE_ADDRESS_MANY_DIVERS, LaunchedStack, conversation_id
from tests.e2e.conftest import DEGRADED_REPLIES

pytestmark = pytest.mark.e2e


def port_open(url: str) -> bool:
    host, port = url.removeprefix("http://").split(":")
    with socket.socket() as probe:
        probe.settimeout(0.2)
        return probe.connect_ex((host, int(port))) == 0


def test_messages_from_the_moment_the_port_opens_get_one_moment_or_an_answer(tmp_path):
    # The probe below sends a message a second from 127.0.0.1.
    stack = LaunchedStack(tmp_path / "fresh-var", extra_env=ONE_ADDRESS_MANY_DIVERS)
    starting = threading.Thread(target=stack.start, daemon=True)
    starting.start()
    replies: list[tuple[int, str, str | None]] = []
    try:
        deadline = time.monotonic() + 600
        while not port_open(stack.rasa_url):
            assert starting.is_alive() or stack.info, stack.output()
            assert time.monotonic() < deadline, "Rasa never opened its port"
            time.sleep(0.2)
        sender = conversation_id("startup-diver")
        answered_after_ready = 0
        while answered_after_ready < 2 and time.monotonic() < deadline:
            reply = requests.post(
                f"{stack.rasa_url}/webhooks/rest/webhook",
                json={"sender": sender, "message": "what is the open water course?"},
                timeout=60,
            )
            if reply.status_code == 503:
                body = reply.json()
                assert body["error"] == "starting_up", body
                assert body["retry_after"] == int(reply.headers["Retry-After"]) > 0
                replies.append((503, body["detail"], body.get("waiting_for")))
            else:
                assert reply.status_code == 200, reply.text
                texts = [message.get("text", "") for message in reply.json()]
                assert texts and not DEGRADED_REPLIES & set(texts), texts
                assert "Open Water" in " ".join(texts)
                replies.append((200, texts[0], None))
                answered_after_ready += 1
            time.sleep(1)
        starting.join(timeout=600)
        assert stack.info, stack.output()
        ready = requests.get(f"{stack.rasa_url}/webhooks/rest/ready", timeout=10)
        assert ready.status_code == 200 and ready.json() == {"ready": True}
        # Once open, it stays open: no 503 after the first answer.
        first_answer = next(i for i, (status, _, _) in enumerate(replies) if status == 200)
        assert all(status == 200 for status, _, _ in replies[first_answer:]), replies
    finally:
        starting.join(timeout=600)
        assert stack.stop() == 0, stack.output()
