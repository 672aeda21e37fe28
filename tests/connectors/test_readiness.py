"""The chat channels open only once the action server says it can answer."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from connectors.readiness import Readiness, ready_url


class FakeActionServer:
    """Answers GET /ready with the queued (status, body) replies, the last one repeated."""

    def __init__(self, *replies):
        self.replies = list(replies)
        self.calls = 0
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                fake.calls += 1
                status, body = fake.replies[0] if len(fake.replies) == 1 else fake.replies.pop(0)
                payload = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/ready"

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def action_server():
    servers = []

    def start(*replies):
        servers.append(FakeActionServer(*replies))
        return servers[-1]

    yield start
    for server in servers:
        server.close()


def test_the_ready_url_sits_beside_the_webhook():
    assert ready_url("http://actions:5055/webhook") == "http://actions:5055/ready"
    assert ready_url("http://127.0.0.1:5055/webhook?token=x") == "http://127.0.0.1:5055/ready"
    assert ready_url("https://a.example/") == "https://a.example/ready"


async def test_not_ready_until_the_action_server_says_so_then_ready_for_good(action_server):
    server = action_server(
        (503, {"ready": False, "waiting_for": "knowledge"}), (200, {"ready": True})
    )
    readiness = Readiness(server.url)
    assert await readiness.check() is False
    assert readiness.status() == {
        "ready": False,
        "waiting_for": "knowledge",
        "detail": "DovvyBuddy is starting up, one moment.",
    }
    assert await readiness.check() is True
    server.close()
    # Once open, the channel stays open: a later outage is a fault, not a start.
    assert await readiness.check() is True
    assert readiness.status() == {"ready": True}


async def test_an_unreachable_or_garbled_action_server_is_not_ready(action_server):
    assert await Readiness("http://127.0.0.1:1/ready").check() is False
    garbled = action_server((200, ["not", "an", "object"]))
    readiness = Readiness(garbled.url)
    assert await readiness.check() is False
    assert readiness.status()["waiting_for"] == "actions"


async def test_waiting_gives_up_after_its_timeout_and_succeeds_when_ready(action_server):
    never = action_server((503, {"ready": False, "waiting_for": "database"}))
    assert await Readiness(never.url).wait(timeout_seconds=0.1) is False
    soon = action_server((503, {"ready": False}), (200, {"ready": True}))
    assert await Readiness(soon.url).wait(timeout_seconds=10) is True
    assert soon.calls == 2
