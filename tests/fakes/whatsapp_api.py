"""A fake WhatsApp Cloud API (Meta's Graph API) on 127.0.0.1, and webhooks as Meta sends them.

The channel's httpx client talks to it through WHATSAPP_API_BASE_URL
(`FakeWhatsAppApi.base_url`). It answers `POST /{version}/{phone number id}/messages`
as the Graph API does (`{"messaging_product", "contacts", "messages": [{"id"}]}`),
refuses a wrong bearer token or phone number id with Meta's error shape, and
can answer the next calls with 429 and Retry-After (or any status).
"""

from __future__ import annotations

import itertools
import json
import threading
import time
from dataclasses import dataclass
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

ACCESS_TOKEN = "fake-whatsapp-access-token"
PHONE_NUMBER_ID = "106540352242922"
DISPLAY_NUMBER = "15550783881"
BUSINESS_ACCOUNT_ID = "102290129340398"
API_VERSION = "v21.0"
_ids = itertools.count(1)


@dataclass
class SentMessage:
    """One message the channel sent: the JSON body of the Graph API call."""

    payload: dict[str, Any]

    @property
    def to(self) -> str:
        return str(self.payload.get("to", ""))

    @property
    def kind(self) -> str:
        """ "text", "image" or the interactive type ("button", "list")."""
        if self.payload.get("type") == "interactive":
            return str(self.payload["interactive"]["type"])
        return str(self.payload.get("type"))

    @property
    def text(self) -> str:
        if self.payload.get("type") == "text":
            return str(self.payload["text"]["body"])
        if self.payload.get("type") == "interactive":
            return str(self.payload["interactive"]["body"]["text"])
        return ""

    @property
    def choices(self) -> list[tuple[str, str]]:
        """(id, title) of each reply button or list row."""
        if self.payload.get("type") != "interactive":
            return []
        action = self.payload["interactive"]["action"]
        if "buttons" in action:
            return [(b["reply"]["id"], b["reply"]["title"]) for b in action["buttons"]]
        return [(row["id"], row["title"]) for s in action["sections"] for row in s["rows"]]


class FakeWhatsAppApi:
    """The Graph API of one business phone number: read `sent`, script failures."""

    def __init__(self, token: str = ACCESS_TOKEN, phone_number_id: str = PHONE_NUMBER_ID) -> None:
        self.token = token
        self.phone_number_id = phone_number_id
        self.sent: list[SentMessage] = []
        # Every request, accepted or not: (status answered, payload).
        self.requests: list[tuple[int, dict[str, Any]]] = []
        self._failures: list[tuple[int, str | None]] = []
        self._changed = threading.Condition()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def base_url(self) -> str:
        """WHATSAPP_API_BASE_URL for this server."""
        return f"http://127.0.0.1:{self.server.server_port}"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def fail_next(
        self, status: int = HTTPStatus.TOO_MANY_REQUESTS, retry_after: str | None = "1"
    ) -> None:
        """Answer the next send with `status` (and a Retry-After header)."""
        with self._changed:
            self._failures.append((status, retry_after))

    def sent_to(self, number: str) -> list[SentMessage]:
        with self._changed:
            return [message for message in self.sent if message.to == number]

    def texts_to(self, number: str) -> list[str]:
        return [message.text for message in self.sent_to(number)]

    def wait_for(self, number: str, count: int = 1, timeout: float = 30.0) -> list[SentMessage]:
        """The messages sent to `number`, once there are `count`; fail after `timeout`."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while len(messages := self.sent_to(number)) < count:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(
                        f"expected {count} message(s) within {timeout} s, got "
                        f"{[m.text for m in messages]}"
                    )
                self._changed.wait(remaining)
            return messages

    def _answer(self, path: str, auth: str, body: bytes) -> tuple[int, dict[str, Any], dict]:
        if auth != f"Bearer {self.token}":
            return 401, _error(190, "Invalid OAuth access token"), {}
        if path != f"/{API_VERSION}/{self.phone_number_id}/messages":
            return 400, _error(100, "Unsupported post request"), {}
        try:
            payload = json.loads(body)
        except ValueError:
            return 400, _error(100, "Invalid parameter"), {}
        with self._changed:
            status, retry_after = self._failures.pop(0) if self._failures else (200, None)
            self.requests.append((status, payload))
            if status != 200:
                self._changed.notify_all()
                headers = {"Retry-After": retry_after} if retry_after else {}
                return status, _error(4 if status == 429 else 2, "Fake failure"), headers
            if payload.get("messaging_product") != "whatsapp" or not payload.get("to"):
                return 400, _error(100, "Invalid parameter"), {}
            self.sent.append(SentMessage(payload))
            self._changed.notify_all()
        reply = {
            "messaging_product": "whatsapp",
            "contacts": [{"input": payload["to"], "wa_id": payload["to"]}],
            "messages": [{"id": f"wamid.sent{next(_ids)}"}],
        }
        return 200, reply, {}

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                status, reply, headers = fake._answer(
                    self.path, self.headers.get("Authorization", ""), body
                )
                payload = json.dumps(reply).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                for name, value in headers.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args: object) -> None:
                pass

        return Handler


def _error(code: int, message: str) -> dict[str, Any]:
    return {"error": {"message": message, "type": "OAuthException", "code": code}}


# --- webhooks as Meta sends them ------------------------------------------------------


def message_id() -> str:
    return f"wamid.HBgLMTU1NTAxMjM0NTYVAgASGBQz{next(_ids):08d}"


def webhook(
    *,
    messages: list[dict[str, Any]] | None = None,
    statuses: list[dict[str, Any]] | None = None,
    contact_number: str | None = None,
    phone_number_id: str = PHONE_NUMBER_ID,
) -> dict[str, Any]:
    """A webhook body with one entry and one change, as in Meta's examples."""
    value: dict[str, Any] = {
        "messaging_product": "whatsapp",
        "metadata": {"display_phone_number": DISPLAY_NUMBER, "phone_number_id": phone_number_id},
    }
    if messages is not None:
        number = contact_number or messages[0]["from"]
        value["contacts"] = [{"profile": {"name": "Diver"}, "wa_id": number}]
        value["messages"] = messages
    if statuses is not None:
        value["statuses"] = statuses
    return {
        "object": "whatsapp_business_account",
        "entry": [{"id": BUSINESS_ACCOUNT_ID, "changes": [{"value": value, "field": "messages"}]}],
    }


def _message(number: str, kind: str, content: Any, **fields: Any) -> dict[str, Any]:
    return {
        "from": number,
        "id": fields.pop("id", None) or message_id(),
        "timestamp": str(fields.pop("timestamp", int(time.time()))),
        "type": kind,
        **({kind: content} if content is not None else {}),
        **fields,
    }


def text_message(number: str, body: str, **fields: Any) -> dict[str, Any]:
    return _message(number, "text", {"body": body}, **fields)


def button_reply(number: str, button_id: str, title: str = "", **fields: Any) -> dict[str, Any]:
    """The person tapped a reply button."""
    content = {
        "type": "button_reply",
        "button_reply": {"id": button_id, "title": title or button_id},
    }
    context = {"from": DISPLAY_NUMBER, "id": message_id()}
    return _message(number, "interactive", content, context=context, **fields)


def list_reply(number: str, row_id: str, title: str = "", **fields: Any) -> dict[str, Any]:
    """The person picked a row of a list message."""
    content = {
        "type": "list_reply",
        "list_reply": {"id": row_id, "title": title or row_id, "description": ""},
    }
    context = {"from": DISPLAY_NUMBER, "id": message_id()}
    return _message(number, "interactive", content, context=context, **fields)


def image_message(number: str, **fields: Any) -> dict[str, Any]:
    image = {"mime_type": "image/jpeg", "sha256": "ZmFrZQ==", "id": "1234567890"}
    return _message(number, "image", image, **fields)


def status(number: str, sent_id: str, value: str = "delivered") -> dict[str, Any]:
    """What became of a message sent to `number`."""
    result: dict[str, Any] = {
        "id": sent_id,
        "status": value,
        "timestamp": str(int(time.time())),
        "recipient_id": number,
    }
    if value != "failed":
        result["conversation"] = {
            "id": "CONVERSATION_ID",
            "origin": {"type": "service"},
        }
        result["pricing"] = {"billable": True, "pricing_model": "CBP", "category": "service"}
    else:
        result["errors"] = [
            {
                "code": 131047,
                "title": "Re-engagement message",
                "message": "Re-engagement message",
                "error_data": {"details": "Message failed to send because more than 24 hours"},
            }
        ]
    return result
