"""A fake Gemini API on 127.0.0.1 that records requests and replays scripted behaviours.

google-genai's real HTTP client talks to it through `HttpOptions(base_url=...)`,
so the tests exercise the real request building and response parsing.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Behaviour:
    """What the server does for one request."""

    status: int = 200
    body: object = None  # JSON-serialisable; bytes are sent as they are
    delay_seconds: float = 0.0


def answer(text: str) -> Behaviour:
    """A normal generateContent reply with `text`."""
    return Behaviour(
        body={
            "candidates": [
                {"content": {"role": "model", "parts": [{"text": text}]}, "finishReason": "STOP"}
            ],
            "usageMetadata": {
                "promptTokenCount": 120,
                "candidatesTokenCount": 40,
                "totalTokenCount": 160,
            },
        }
    )


def embeddings(count: int, dimension: int = 384) -> Behaviour:
    """A batchEmbedContents / embedContent reply with `count` vectors."""
    vectors = [{"values": [((i + 1) * 0.01) % 1 for _ in range(dimension)]} for i in range(count)]
    return Behaviour(body={"embeddings": vectors})


@dataclass
class FakeGemini:
    """The server: push behaviours, read `requests` (path and JSON body)."""

    behaviours: list[Behaviour] = field(default_factory=list)
    requests: list[tuple[str, dict]] = field(default_factory=list)
    default: Behaviour = field(default_factory=lambda: answer("default fake answer"))

    def __post_init__(self) -> None:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                raw = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                fake.requests.append((self.path, json.loads(raw or b"{}")))
                behaviour = fake.behaviours.pop(0) if fake.behaviours else fake.default
                time.sleep(behaviour.delay_seconds)
                body = behaviour.body
                payload = body if isinstance(body, bytes) else json.dumps(body).encode()
                try:
                    self.send_response(behaviour.status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(payload)))
                    self.end_headers()
                    self.wfile.write(payload)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (a timeout test)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_port}"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
