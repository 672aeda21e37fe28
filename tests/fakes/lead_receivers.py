"""Where leads go in the tests: a real SMTP server and a webhook receiver on 127.0.0.1.

The SMTP server is aiosmtpd (the same protocol code a relay would speak), so
aiosmtplib is exercised for real; the webhook receiver is the standard
library's HTTP server and can be told to answer with errors or slowly.
"""

from __future__ import annotations

import asyncio
import threading
import time
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from aiosmtpd.controller import Controller

from dovvybuddy.ops.launcher import free_port


class SmtpInbox:
    """An SMTP server that keeps every message it accepts; it can stop and start again."""

    def __init__(self) -> None:
        self.port = free_port()
        self.messages: list[EmailMessage] = []
        self.recipients: list[list[str]] = []
        # Seconds to wait before answering each next message, first one first.
        self.delays: list[float] = []
        # Replies to the next messages instead of accepting them (e.g. "451 try later").
        self.refusals: list[str] = []
        # Addresses whose mailbox does not exist (550), however often tried.
        self.refuse_recipients: set[str] = set()
        self.data_started = threading.Event()
        self._controller: Controller | None = None

    def start(self) -> None:
        self._controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self._controller.start()

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def wait_for(self, count: int, timeout: float = 30.0) -> list[EmailMessage]:
        """The messages, once at least `count` have arrived (or the timeout passed)."""
        deadline = time.monotonic() + timeout
        while len(self.messages) < count and time.monotonic() < deadline:
            time.sleep(0.2)
        return self.messages

    def message_containing(self, text: str, timeout: float = 30.0) -> EmailMessage:
        """The first message whose raw text contains `text`, once it has arrived."""
        deadline = time.monotonic() + timeout
        while True:
            found = next((message for message in self.messages if text in str(message)), None)
            if found is not None:
                return found
            if time.monotonic() > deadline:
                raise AssertionError(f"no message containing {text!r} within {timeout} s")
            time.sleep(0.2)

    async def handle_DATA(self, server: object, session: object, envelope: object) -> str:
        self.data_started.set()
        if self.delays:
            await asyncio.sleep(self.delays.pop(0))
        if self.refusals:
            return self.refusals.pop(0)
        if self.refuse_recipients & set(envelope.rcpt_tos):  # type: ignore[attr-defined]
            return "550 No such mailbox"
        content = envelope.original_content or envelope.content  # type: ignore[attr-defined]
        self.messages.append(message_from_bytes(content, policy=policy.default))
        self.recipients.append(list(envelope.rcpt_tos))  # type: ignore[attr-defined]
        return "250 Message accepted for delivery"


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    # The default backlog of 5 drops connections beyond it (the client retries a second
    # later); a worker sends a whole batch at once.
    request_queue_size = 64


@dataclass
class ReceivedRequest:
    """One request the webhook receiver got, body as the raw bytes that were signed."""

    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class WebhookReceiver:
    """An HTTP server that records POSTs; `statuses` are answered first, then 200."""

    statuses: list[int] = field(default_factory=list)
    delay_seconds: float = 0.0
    requests: list[ReceivedRequest] = field(default_factory=list)

    def __post_init__(self) -> None:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                receiver.requests.append(ReceivedRequest(self.path, dict(self.headers), body))
                time.sleep(receiver.delay_seconds)
                status = receiver.statuses.pop(0) if receiver.statuses else 200
                try:
                    self.send_response(status)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (a timeout test)

            def log_message(self, *args: object) -> None:
                pass

        self.server = _Server(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_port}/leads"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
