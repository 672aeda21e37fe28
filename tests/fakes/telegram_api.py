"""A fake Telegram Bot API on 127.0.0.1 that records every call, and updates as Telegram sends them.

python-telegram-bot's real `Bot` talks to it through `base_url`
(`FakeTelegramApi.base_url`), so the tests exercise the real request
encoding and response parsing. Answers follow the Bot API:
`{"ok": true, "result": ...}`, errors as `{"ok": false, "error_code", "description"}`.
`getUpdates` serves queued updates with long-poll semantics and `offset`.
"""

from __future__ import annotations

import itertools
import json
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl

BOT_ID = 700100200
GROUP_MEMBER_ID = 424242
_next_id = itertools.count(1000)
# Entity offsets are in UTF-16 code units; the texts of the tests are ASCII.
_ENTITY = re.compile(r"^/\w+(?:@\w+)?|@\w+")


@dataclass
class ApiCall:
    """One Bot API call: the method and its decoded parameters."""

    method: str
    params: dict[str, Any]

    @property
    def chat_id(self) -> str:
        return str(self.params.get("chat_id", ""))


def _decode_body(content_type: str, body: bytes) -> dict[str, Any]:
    if not body:
        return {}
    if content_type.startswith("application/json"):
        return json.loads(body)
    # PTB sends form data whose non-string values are JSON-encoded; plain
    # strings are sent as they are, so only objects and lists are decoded.
    params: dict[str, Any] = {}
    for key, value in parse_qsl(body.decode(), keep_blank_values=True):
        try:
            decoded = json.loads(value)
        except ValueError:
            decoded = value
        params[key] = decoded if isinstance(decoded, dict | list) else value
    return params


def _error(status: int) -> tuple[int, dict[str, Any]]:
    reply = {"ok": False, "error_code": status, "description": HTTPStatus(status).phrase}
    return status, reply


class FakeTelegramApi:
    """The Bot API for one bot: queue updates, script failures, read `calls`."""

    def __init__(self, token: str = "123456:fake-token", username: str = "dovvybuddy_test_bot"):
        self.token = token
        self.username = username
        self.calls: list[ApiCall] = []
        self.webhook_url = ""
        self._updates: list[dict[str, Any]] = []
        self._update_ids = itertools.count(1)
        self._message_ids = itertools.count(1)
        # HTTP statuses to answer the next calls of a method with, first one first.
        self._failures: dict[str, list[int]] = {}
        self._changed = threading.Condition()
        self._methods: dict[str, Callable[[dict[str, Any]], Any]] = {
            "getMe": lambda params: self.bot_user,
            "setWebhook": self._set_webhook,
            "deleteWebhook": self._delete_webhook,
            "getUpdates": self._get_updates,
            "sendMessage": self._send_message,
            "sendPhoto": self._send_photo,
            "sendChatAction": lambda params: True,
            "answerCallbackQuery": lambda params: True,
        }
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def base_url(self) -> str:
        """TELEGRAM_API_BASE_URL for this server (PTB appends the token)."""
        return f"http://127.0.0.1:{self.server.server_port}/bot"

    @property
    def bot_user(self) -> dict[str, Any]:
        return {"id": BOT_ID, "is_bot": True, "first_name": "DovvyBuddy", "username": self.username}

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def fail_next(self, method: str, status: int = HTTPStatus.BAD_GATEWAY, times: int = 1) -> None:
        """Answer the next `times` calls of `method` with an error `status`."""
        with self._changed:
            self._failures.setdefault(method, []).extend([status] * times)

    def queue_update(self, update: dict[str, Any]) -> int:
        """Make `update` available to getUpdates; return its update_id."""
        with self._changed:
            update = {**update, "update_id": next(self._update_ids)}
            self._updates.append(update)
            self._changed.notify_all()
        return update["update_id"]

    def calls_to(self, method: str, chat_id: int | str | None = None) -> list[ApiCall]:
        """The calls of `method` so far, to `chat_id` if given."""
        with self._changed:
            return [
                call
                for call in self.calls
                if call.method == method and (chat_id is None or call.chat_id == str(chat_id))
            ]

    def wait_for(
        self, method: str, chat_id: int | str | None = None, count: int = 1, timeout: float = 30.0
    ) -> list[ApiCall]:
        """The calls of `method` (to `chat_id`), once there are `count`; fail after `timeout`."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while len(calls := self.calls_to(method, chat_id)) < count:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(
                        f"expected {count} {method} call(s) to chat {chat_id} within {timeout} s, "
                        f"got {len(calls)}; all calls: {[c.method for c in self.calls]}"
                    )
                self._changed.wait(remaining)
            return calls

    def texts_to(self, chat_id: int | str) -> list[str]:
        """The texts sent to `chat_id` so far."""
        return [call.params["text"] for call in self.calls_to("sendMessage", chat_id)]

    def _answer(self, method: str, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        with self._changed:
            self.calls.append(ApiCall(method, params))
            self._changed.notify_all()
            failures = self._failures.get(method)
            status = failures.pop(0) if failures else HTTPStatus.OK
        if status != HTTPStatus.OK:
            return _error(status)
        if method not in self._methods:
            return _error(HTTPStatus.NOT_FOUND)
        return HTTPStatus.OK, {"ok": True, "result": self._methods[method](params)}

    def _set_webhook(self, params: dict[str, Any]) -> bool:
        self.webhook_url = params.get("url", "")
        return True

    def _delete_webhook(self, params: dict[str, Any]) -> bool:
        self.webhook_url = ""
        return True

    def _get_updates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        offset = int(params.get("offset") or 0)
        deadline = time.monotonic() + float(params.get("timeout") or 0)
        with self._changed:
            # As in Telegram, asking from an offset confirms every earlier update.
            self._updates = [u for u in self._updates if u["update_id"] >= offset]
            while not self._updates and (remaining := deadline - time.monotonic()) > 0:
                self._changed.wait(remaining)
            return list(self._updates[: int(params.get("limit") or 100)])

    def _message(self, params: dict[str, Any], **content: Any) -> dict[str, Any]:
        chat_id = params["chat_id"]
        chat_type = "private" if not str(chat_id).startswith("-") else "group"
        return {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": {"id": int(chat_id), "type": chat_type},
            "from": self.bot_user,
            **content,
        }

    def _send_message(self, params: dict[str, Any]) -> dict[str, Any]:
        return self._message(params, text=params["text"])

    def _send_photo(self, params: dict[str, Any]) -> dict[str, Any]:
        photo = {"file_id": "photo-1", "file_unique_id": "photo-1", "width": 1, "height": 1}
        return self._message(params, photo=[photo])

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                self._serve()

            def do_GET(self) -> None:
                self._serve()

            def _serve(self) -> None:
                prefix = f"/bot{fake.token}/"
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                if not self.path.startswith(prefix):
                    status, reply = _error(HTTPStatus.UNAUTHORIZED)
                else:
                    params = _decode_body(self.headers.get("Content-Type", ""), body)
                    status, reply = fake._answer(self.path[len(prefix) :], params)
                payload = json.dumps(reply).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(payload)))
                    self.end_headers()
                    self.wfile.write(payload)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (a cancelled long poll)

            def log_message(self, *args: object) -> None:
                pass

        return Handler


def _user(user_id: int, first_name: str = "Diver", username: str | None = None) -> dict[str, Any]:
    return {"id": user_id, "is_bot": False, "first_name": first_name, "username": username}


def _chat(chat_id: int) -> dict[str, Any]:
    return {"id": chat_id, "type": "private" if chat_id > 0 else "supergroup", "title": "Divers"}


def text_message(chat_id: int, text: str, **fields: Any) -> dict[str, Any]:
    """A message update as Telegram sends it (a group when `chat_id` is negative).

    A leading `/command` and `@mentions` get their entities, as Telegram adds them.
    """
    entities = [
        {
            "type": "bot_command" if match.group().startswith("/") else "mention",
            "offset": match.start(),
            "length": len(match.group()),
        }
        for match in _ENTITY.finditer(text)
    ]
    message = {
        "message_id": next(_next_id),
        "date": int(time.time()),
        "chat": _chat(chat_id),
        "from": _user(chat_id if chat_id > 0 else GROUP_MEMBER_ID),
        "text": text,
        **({"entities": entities} if entities else {}),
        **fields,
    }
    return {"update_id": next(_next_id), "message": message}


def photo_message(chat_id: int) -> dict[str, Any]:
    """A message update with a photo and no text."""
    update = text_message(chat_id, "")
    message = update["message"]
    del message["text"]
    message["photo"] = [{"file_id": "p", "file_unique_id": "p", "width": 1, "height": 1}]
    return update


def reply_to_bot(chat_id: int, text: str, bot_username: str) -> dict[str, Any]:
    """A message update replying to one of the bot's messages."""
    bot_message = {
        "message_id": next(_next_id),
        "date": int(time.time()),
        "chat": _chat(chat_id),
        "from": {"id": BOT_ID, "is_bot": True, "first_name": "Bot", "username": bot_username},
        "text": "an earlier answer",
    }
    return text_message(chat_id, text, reply_to_message=bot_message)


def edited_message(chat_id: int, text: str) -> dict[str, Any]:
    """An edited-message update."""
    update = text_message(chat_id, text)
    return {"update_id": update["update_id"], "edited_message": update["message"]}


def button_press(chat_id: int, data: str) -> dict[str, Any]:
    """A callback_query update: the diver pressed an inline button carrying `data`."""
    bot_message = {
        "message_id": next(_next_id),
        "date": int(time.time()),
        "chat": _chat(chat_id),
        "from": {"id": BOT_ID, "is_bot": True, "first_name": "Bot"},
        "text": "a question with buttons",
    }
    return {
        "update_id": next(_next_id),
        "callback_query": {
            "id": str(next(_next_id)),
            "from": _user(chat_id if chat_id > 0 else GROUP_MEMBER_ID),
            "chat_instance": "instance-1",
            "message": bot_message,
            "data": data,
        },
    }
