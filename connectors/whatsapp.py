"""The WhatsApp channel: Meta's WhatsApp Business Cloud API, inside the Rasa server.

Rasa loads `WhatsAppInput` from credentials.yml; everything else comes from
the settings (WHATSAPP_* variables). Meta calls one URL:

- GET /webhooks/whatsapp/webhook: the verification handshake when the
  webhook is configured (`hub.mode=subscribe`, `hub.verify_token` must be
  WHATSAPP_VERIFY_TOKEN; `hub.challenge` is echoed as text);
- POST /webhooks/whatsapp/webhook: messages and status callbacks, signed
  with the app secret in `X-Hub-Signature-256`; the signature is checked on
  the raw body before anything is parsed.

Replies go out through the Graph API (`POST /{version}/{phone number id}/messages`)
with httpx, retried on 429 and 5xx (honouring Retry-After, bounded). Each
message is answered in the background (Meta wants its 200 quickly); turns of
one number run one after the other, different numbers concurrently, at most
WHATSAPP_MAX_CONCURRENT_TURNS at a time, and a number over
WHATSAPP_RATE_PER_NUMBER_PER_MINUTE is told once to slow down. Redelivered
message ids and status callbacks are acknowledged without a turn. Replies
are sent only within Meta's 24-hour customer-service window after the
person's last message.

Phone numbers never reach the logs: log lines carry the conversation's keyed
hash (dovvybuddy.common.json_logging), never the number nor what people wrote.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
import uuid
import weakref
from collections.abc import Awaitable, Callable, Coroutine
from email.utils import parsedate_to_datetime
from typing import Any

import httpx
from rasa.core.channels.channel import InputChannel, OutputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from connectors.fallback_replies import NO_REPLY_TEXT
from connectors.readiness import Readiness
from connectors.whatsapp_messages import (
    SIGNATURE_HEADER,
    IncomingMessage,
    RecentIds,
    ServiceWindows,
    conversation_id,
    image_payload,
    number_of,
    read_webhook,
    reply_payloads,
    text_payloads,
    valid_signature,
    verification_challenge,
)
from dovvybuddy.common import json_logging
from dovvybuddy.common.rate_limit import SlidingWindowLimiter
from dovvybuddy.common.settings import Settings, load_settings
from dovvybuddy.monitoring.metrics import RATE_LIMITED, TURN_SECONDS, TURNS

logger = logging.getLogger(__name__)
# httpx logs every request URL at INFO.
logging.getLogger("httpx").setLevel(logging.WARNING)

SEND_ATTEMPTS = 3
BACKOFF_FIRST_SECONDS = 1.0
MAX_RETRY_AFTER_SECONDS = 30.0
SEND_TIMEOUT_SECONDS = 15.0
STOP_GRACE_SECONDS = 10.0
MAX_WAITING_MESSAGES = 200
# How long a message that arrives while the assistant starts waits for it.
READY_WAIT_SECONDS = 120.0
SLOW_DOWN_TEXT = (
    "You're sending messages quickly, so I'll skip a few. Please wait a minute and ask again."
)

OnNewMessage = Callable[[UserMessage], Awaitable[Any]]


def _log_extra(number: str) -> dict[str, str]:
    # The JSON log formatter writes a conversation id as its keyed hash.
    return {"conversation_id": conversation_id(number)}


def _retry_after(reply: httpx.Response, attempt: int) -> float:
    raw = reply.headers.get("Retry-After", "").strip()
    if raw:
        try:
            return max(0.0, float(raw))
        except ValueError:
            try:
                return max(0.0, parsedate_to_datetime(raw).timestamp() - time.time())
            except (TypeError, ValueError):
                pass
    return BACKOFF_FIRST_SECONDS * 2 ** (attempt - 1)


class GraphApi:
    """Sends messages with the Graph API of one WhatsApp business phone number."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._client: httpx.AsyncClient | None = None

    @property
    def messages_url(self) -> str:
        s = self.settings
        base = f"{s.whatsapp_api_base_url}/{s.whatsapp_api_version}"
        return f"{base}/{s.whatsapp_phone_number_id}/messages"

    @property
    def client(self) -> httpx.AsyncClient:
        if self._client is None:
            self._client = httpx.AsyncClient(
                timeout=SEND_TIMEOUT_SECONDS,
                headers={"Authorization": f"Bearer {self.settings.whatsapp_access_token}"},
            )
        return self._client

    async def close(self) -> None:
        if self._client is not None:
            await self._client.aclose()
            self._client = None

    async def send(self, payload: dict[str, Any]) -> bool:
        """POST one message; True when Meta accepted it. Never raises."""
        number = str(payload.get("to", ""))
        for attempt in range(1, SEND_ATTEMPTS + 1):
            try:
                reply = await self.client.post(self.messages_url, json=payload)
            except httpx.HTTPError as error:
                status, detail = None, type(error).__name__
            else:
                if reply.is_success:
                    return True
                status, detail = reply.status_code, _error_code(reply)
            retryable = status is None or status == 429 or status >= 500
            if retryable and attempt < SEND_ATTEMPTS:
                delay = (
                    _retry_after(reply, attempt)
                    if status is not None
                    else BACKOFF_FIRST_SECONDS * 2 ** (attempt - 1)
                )
                if delay <= MAX_RETRY_AFTER_SECONDS:
                    await asyncio.sleep(delay)
                    continue
            # Only the status and Meta's error code: its texts can quote the number.
            logger.warning(
                "WhatsApp send failed (%s, %s): message dropped",
                status or "no answer",
                detail,
                extra=_log_extra(number),
            )
            return False
        return False


def _error_code(reply: httpx.Response) -> str:
    try:
        error = reply.json().get("error", {})
    except (ValueError, AttributeError):
        return "no error code"
    code = error.get("code") if isinstance(error, dict) else None
    return f"error code {code}" if isinstance(code, int) else "no error code"


class WhatsAppOutput(OutputChannel):
    """Sends Rasa's replies to a WhatsApp number, within its 24-hour window."""

    def __init__(self, api: GraphApi, windows: ServiceWindows) -> None:
        self.api = api
        self.windows = windows
        self.replied = False

    @classmethod
    def name(cls) -> str:
        return "whatsapp"

    async def send_response(self, recipient_id: str, message: dict[str, Any]) -> None:
        self.replied = True
        await super().send_response(recipient_id, message)

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        number = number_of(recipient_id)
        await self._deliver(number, text_payloads(number, text))

    async def send_text_with_buttons(
        self, recipient_id: str, text: str, buttons: list[dict[str, Any]], **kwargs: Any
    ) -> None:
        number = number_of(recipient_id)
        await self._deliver(number, reply_payloads(number, text, buttons))

    async def send_image_url(self, recipient_id: str, image: str, **kwargs: Any) -> None:
        number = number_of(recipient_id)
        await self._deliver(number, [image_payload(number, image)])

    async def _deliver(self, number: str, payloads: list[dict[str, Any]]) -> None:
        # A failed send must not fail the turn, or Rasa would not save the conversation.
        if not self.windows.is_open(number, time.time()):
            logger.info(
                "WhatsApp reply not sent: outside the 24-hour customer-service window",
                extra=_log_extra(number),
            )
            return
        for payload in payloads:
            if not await self.api.send(payload):
                return


class WhatsAppInput(InputChannel):
    """Receives WhatsApp Cloud API webhooks and answers them through Rasa."""

    def __init__(
        self, settings: Settings | None = None, readiness: Readiness | None = None
    ) -> None:
        self.settings = settings or load_settings()
        self.api = GraphApi(self.settings)
        self.windows = ServiceWindows()
        self.recent_ids = RecentIds()
        self._tasks: set[asyncio.Task] = set()
        # A lock lives while a turn of its number is running or waiting.
        self._number_locks: weakref.WeakValueDictionary[str, asyncio.Lock] = (
            weakref.WeakValueDictionary()
        )
        self._per_number = SlidingWindowLimiter(self.settings.whatsapp_rate_per_number_per_minute)
        self._told_to_slow_down = SlidingWindowLimiter(1)
        self._turns = asyncio.Semaphore(self.settings.whatsapp_max_concurrent_turns)
        self.readiness = readiness or Readiness.from_environment()

    @classmethod
    def name(cls) -> str:
        return "whatsapp"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> WhatsAppInput:
        # Tokens and secrets come from the environment (dovvybuddy.common.settings),
        # so credentials.yml holds no secrets.
        return cls()

    @property
    def configured(self) -> bool:
        s = self.settings
        return bool(
            s.whatsapp_access_token
            and s.whatsapp_phone_number_id
            and s.whatsapp_app_secret
            and s.whatsapp_verify_token
        )

    def get_output_channel(self) -> OutputChannel | None:
        """Lets Rasa's HTTP API send to WhatsApp (`?output_channel=whatsapp`)."""
        return WhatsAppOutput(self.api, self.windows) if self.configured else None

    def blueprint(self, on_new_message: OnNewMessage) -> Blueprint:
        webhook = Blueprint("whatsapp_webhook", __name__)

        @webhook.listener("after_server_start")
        async def start(app: Any, loop: Any) -> None:
            if not self.configured:
                logger.info(
                    "WhatsApp channel off: set WHATSAPP_ACCESS_TOKEN, WHATSAPP_PHONE_NUMBER_ID, "
                    "WHATSAPP_APP_SECRET and WHATSAPP_VERIFY_TOKEN"
                )

        @webhook.listener("before_server_stop")
        async def stop(app: Any, loop: Any) -> None:
            await self._stop()

        @webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok", "configured": self.configured})

        @webhook.route("/webhook", methods=["GET"])
        async def verify(request: Request) -> HTTPResponse:
            params = {key: request.args.get(key) or "" for key in request.args}
            challenge = verification_challenge(params, self.settings.whatsapp_verify_token)
            if challenge is None:
                return _error(403, "forbidden", "Wrong hub.mode or hub.verify_token.")
            logger.info("WhatsApp webhook verified")
            return response.text(challenge)

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            # One request id for the POST and the turns it starts (the tasks
            # copy this context); a keep-alive connection's earlier request
            # must not lend its ids.
            json_logging.request_id.set(uuid.uuid4().hex)
            json_logging.conversation_id.set(None)
            return self._receive(request, on_new_message)

        return webhook

    def _receive(self, request: Request, on_new_message: OnNewMessage) -> HTTPResponse:
        if not self.configured:
            return _error(
                503,
                "whatsapp_not_configured",
                "Set WHATSAPP_ACCESS_TOKEN, WHATSAPP_PHONE_NUMBER_ID, WHATSAPP_APP_SECRET and "
                "WHATSAPP_VERIFY_TOKEN to receive WhatsApp messages.",
            )
        body = request.body or b""
        secret = self.settings.whatsapp_app_secret or ""
        if not valid_signature(body, request.headers.get(SIGNATURE_HEADER), secret):
            return _error(403, "forbidden", f"Missing or wrong {SIGNATURE_HEADER} header.")
        try:
            payload = json.loads(body)
        except (ValueError, UnicodeDecodeError, RecursionError):
            return _error(400, "invalid_json", "The request body must be a JSON webhook.")
        events = read_webhook(
            payload, self.settings.max_message_chars, self.settings.whatsapp_phone_number_id
        )
        for status in events.statuses:
            if status.status == "failed":
                logger.warning(
                    "WhatsApp message failed (error codes %s)",
                    list(status.error_codes),
                    extra=_log_extra(status.number),
                )
        accepted = 0
        for message in events.messages:
            # Meta redelivers what it thinks was not acknowledged: one turn per id.
            if self.recent_ids.seen(message.message_id):
                logger.info(
                    "WhatsApp message redelivered: ignored", extra=_log_extra(message.number)
                )
                continue
            self.windows.record(message.number, min(float(message.timestamp), time.time()))
            if len(self._tasks) >= MAX_WAITING_MESSAGES:
                logger.warning("WhatsApp message dropped: too many waiting")
                continue
            self._spawn(self._handle(message, on_new_message))
            accepted += 1
        # Meta retries anything but a 2xx, so what we cannot use is acknowledged.
        return response.json(
            {"status": "accepted" if accepted else "ignored", "messages": accepted}
        )

    async def _stop(self) -> None:
        if self._tasks:
            # Turns already running get to finish; their replies are on their way.
            await asyncio.wait(set(self._tasks), timeout=STOP_GRACE_SECONDS)
            for task in set(self._tasks):
                task.cancel()
        await self.api.close()

    async def _handle(self, incoming: IncomingMessage, on_new_message: OnNewMessage) -> None:
        json_logging.conversation_id.set(incoming.sender_id)
        output = WhatsAppOutput(self.api, self.windows)
        if not self._per_number.allow(incoming.number):
            RATE_LIMITED.labels("whatsapp", "number").inc()
            logger.warning("WhatsApp number over its rate: message dropped")
            if self._told_to_slow_down.allow(incoming.number):
                await output.send_text_message(incoming.sender_id, SLOW_DOWN_TEXT)
            return
        # A message sent while the assistant starts waits for it instead of
        # getting "having trouble answering".
        if not await self.readiness.wait(READY_WAIT_SECONDS):
            logger.warning("WhatsApp message: the assistant is still starting")
        async with self._number_lock(incoming.number), self._turns:
            logger.info("WhatsApp %s message", incoming.kind)
            await self._answer(incoming, output, on_new_message)

    async def _answer(
        self, incoming: IncomingMessage, output: WhatsAppOutput, on_new_message: OnNewMessage
    ) -> None:
        sender = incoming.sender_id
        if incoming.reply:
            await output.send_text_message(sender, incoming.reply)
            return
        started = time.monotonic()
        try:
            await on_new_message(
                UserMessage(incoming.text, output, sender, input_channel=self.name())
            )
        except Exception as error:  # the diver still gets an answer
            # Only the type: an exception's text can quote the conversation id.
            logger.error("WhatsApp turn failed: %s", type(error).__name__)
        TURNS.labels("whatsapp", "answered" if output.replied else "no_reply").inc()
        if not output.replied:
            await output.send_text_message(sender, NO_REPLY_TEXT)
        TURN_SECONDS.labels("whatsapp").observe(time.monotonic() - started)

    def _number_lock(self, number: str) -> asyncio.Lock:
        lock = self._number_locks.get(number)
        if lock is None:
            lock = self._number_locks[number] = asyncio.Lock()
        return lock

    def _spawn(self, work: Coroutine[Any, Any, None]) -> None:
        task = asyncio.create_task(work)
        self._tasks.add(task)
        task.add_done_callback(self._task_done)

    def _task_done(self, task: asyncio.Task) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            logger.error("WhatsApp message handling failed: %s", type(task.exception()).__name__)


def _error(status: int, error: str, detail: str) -> HTTPResponse:
    return response.json({"error": error, "detail": detail}, status=status)
