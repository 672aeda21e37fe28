"""The REST channel with the input checks Rasa's own REST channel lacks.

Rasa's `RestInput` trusts its input: invalid JSON or a missing sender becomes
a 500, any length of text goes to the NLU, and an exception inside the turn
is swallowed into an empty `[]` reply. This channel keeps the same URL
(`/webhooks/rest/webhook`) and reply format, and instead:

- issues conversation ids (`POST /webhooks/rest/conversations`) and takes
  messages only for ids it issued, except from a trusted server (the shared
  token), so no client can choose, and so join, someone else's conversation;
- answers malformed requests with a 4xx and a JSON error that says what is wrong;
- strips control characters and refuses messages over the configured length;
- applies the web access policy (`connectors/web_access.py`): allowed origins,
  the optional shared token, and per-sender and per-address rate limits;
- never answers a real message with an empty list: if the turn produced no
  reply, the diver gets a polite "try again" message;
- answers within DOVVY_TURN_TIMEOUT_SECONDS even when a backend stalls (Rasa
  itself waits up to five minutes for the action server);
- opens only when the assistant can answer (`connectors/readiness.py`): until
  the action server and its knowledge base are ready, a message gets a 503
  with Retry-After, and `GET /webhooks/rest/ready` says what is still starting.
"""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint, Sanic, response
from sanic.exceptions import MethodNotSupported
from sanic.request import Request
from sanic.response import HTTPResponse

from connectors.fallback_replies import NO_REPLY_TEXT, SLOW_TURN_TEXT
from connectors.readiness import RETRY_AFTER_SECONDS, STARTING_UP_TEXT, Readiness
from connectors.validation import MAX_REQUEST_BYTES, InvalidRequest, parse_request
from connectors.web_access import Caller, RateLimited, WebAccessPolicy, address_key
from dovvybuddy.common.conversation_ids import is_issued_conversation_id, issue_conversation_id
from dovvybuddy.common.json_logging import conversation_id, request_id
from dovvybuddy.common.settings import CLIENT_METADATA_KEY, keyed_hash, load_settings
from dovvybuddy.monitoring.metrics import RATE_LIMITED, TURN_SECONDS, TURNS, exposition

logger = logging.getLogger(__name__)


class GuardedRestInput(RestInput):
    """Rasa's REST channel with request validation and a never-empty reply."""

    def __init__(
        self, max_message_chars: int | None = None, readiness: Readiness | None = None
    ) -> None:
        settings = load_settings()
        self.readiness = readiness or Readiness.from_environment()
        self.max_message_chars = max_message_chars or settings.max_message_chars
        self.turn_timeout_seconds = settings.turn_timeout_seconds
        # Turns still running after their reply went out (held here so they
        # are not garbage-collected, and so their failures are logged).
        self.late_turns: set[asyncio.Future] = set()
        self.access = WebAccessPolicy(
            allowed_origins=settings.cors_origins,
            token=settings.web_token,
            per_sender_per_minute=settings.web_rate_per_sender_per_minute,
            per_address_per_minute=settings.web_rate_per_ip_per_minute,
        )

    @classmethod
    def name(cls) -> str:
        return "rest"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> GuardedRestInput:
        credentials = credentials or {}
        return cls(max_message_chars=credentials.get("max_message_chars"))

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[None]]) -> Blueprint:
        webhook = Blueprint(f"custom_webhook_{type(self).__name__}", __name__)

        @webhook.listener("before_server_start")
        async def limit_request_size(app: Sanic, _: object) -> None:
            # Sanic then refuses a larger body with a 413 before reading it.
            app.config.REQUEST_MAX_SIZE = MAX_REQUEST_BYTES
            # Sanic 21.12 drops the Allow header RFC 9110 requires on a 405.
            app.error_handler.add(MethodNotSupported, _method_not_allowed)

        @webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/metrics", methods=["GET"])
        async def metrics(_: Request) -> HTTPResponse:
            # Not public: deploy/nginx.conf does not route it.
            body, content_type = exposition()
            return response.raw(body, content_type=content_type)

        @webhook.route("/ready", methods=["GET"])
        async def ready(_: Request) -> HTTPResponse:
            if await self.readiness.check():
                return response.json(self.readiness.status())
            return _starting_up(self.readiness.status())

        @webhook.route("/conversations", methods=["POST"])
        async def start_conversation(request: Request) -> HTTPResponse:
            request_id.set(uuid.uuid4().hex)
            reply = self._issue(request)
            reply.headers["X-Request-ID"] = request_id.get()
            return reply

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            # Every log line of this turn (Rasa's own too) carries the request id.
            request_id.set(uuid.uuid4().hex)
            reply = await self._handle(request, on_new_message)
            reply.headers["X-Request-ID"] = request_id.get()
            return reply

        return webhook

    def _issue(self, request: Request) -> HTTPResponse:
        """A new conversation id, for a caller the policy admits (same limits as a message)."""
        caller = _caller(request)
        try:
            self.access.count_request(caller)
            self.access.admit(caller)
        except InvalidRequest as invalid:
            return _refusal(invalid)
        return response.json({"sender": issue_conversation_id()}, status=201)

    async def _handle(
        self, request: Request, on_new_message: Callable[[UserMessage], Awaitable[None]]
    ) -> HTTPResponse:
        """One message: admit the caller, validate, count it, run the turn, reply."""
        caller = _caller(request)
        try:
            # Counted before any other work, so refused and malformed
            # requests spend the address's budget too.
            self.access.count_request(caller)
            trusted = self.access.admit(caller)
            sender, text, metadata = parse_request(request.body, self.max_message_chars)
            # A trusted server keeps its own ids for its users; anyone else
            # talks in a conversation this channel issued.
            if not trusted and not is_issued_conversation_id(sender):
                raise InvalidRequest(
                    400,
                    "unknown_conversation",
                    "Start a conversation with POST /webhooks/rest/conversations "
                    "and send the 'sender' it returns.",
                )
            # Waiting for the start does not spend the diver's message budget.
            if not await self.readiness.check():
                TURNS.labels("rest", "starting").inc()
                return _starting_up(
                    {
                        "error": "starting_up",
                        "detail": STARTING_UP_TEXT,
                        "retry_after": RETRY_AFTER_SECONDS,
                        **self.readiness.status(),
                    }
                )
            self.access.count_message(sender)
        except InvalidRequest as invalid:
            TURNS.labels("rest", "refused").inc()
            if isinstance(invalid, RateLimited):
                RATE_LIMITED.labels("rest", "web").inc()
            return _refusal(invalid)
        started = time.monotonic()
        reply = await self._turn(sender, text, metadata, trusted, caller, on_new_message)
        TURN_SECONDS.labels("rest").observe(time.monotonic() - started)
        return reply

    async def _turn(
        self,
        sender: str,
        text: str,
        metadata: dict | None,
        trusted: bool,
        caller: Caller,
        on_new_message: Callable[[UserMessage], Awaitable[None]],
    ) -> HTTPResponse:
        """Run one admitted message through Rasa; the reply is never empty."""
        metadata = dict(metadata or {})
        # Set here, never by the client. A trusted server speaks for many
        # divers from one address, so its requests carry no client network.
        metadata.pop(CLIENT_METADATA_KEY, None)
        if not trusted:
            metadata[CLIENT_METADATA_KEY] = keyed_hash(address_key(caller.address))[:32]
        conversation_id.set(sender)

        collector = CollectingOutputChannel()
        turn = asyncio.ensure_future(
            on_new_message(
                UserMessage(text, collector, sender, input_channel=self.name(), metadata=metadata)
            )
        )
        try:
            # Shielded: a slow turn (a stalled action server, say) still
            # finishes and is stored, but the diver is not kept waiting.
            await asyncio.wait_for(asyncio.shield(turn), self.turn_timeout_seconds)
        except asyncio.TimeoutError:
            logger.warning("turn for a conversation took over %s s", self.turn_timeout_seconds)
            self.late_turns.add(turn)
            turn.add_done_callback(self._late_turn_done)
            TURNS.labels("rest", "slow").inc()
            return response.json([{"recipient_id": sender, "text": SLOW_TURN_TEXT}])
        except Exception:  # the diver still gets an answer; the log gets the trace
            logger.exception("REST turn failed")
        if not collector.messages:
            TURNS.labels("rest", "no_reply").inc()
            return response.json([{"recipient_id": sender, "text": NO_REPLY_TEXT}])
        TURNS.labels("rest", "answered").inc()
        return response.json(collector.messages)

    def _late_turn_done(self, turn: asyncio.Future) -> None:
        self.late_turns.discard(turn)
        if not turn.cancelled() and turn.exception() is not None:
            logger.error("a slow turn failed after its reply", exc_info=turn.exception())


def _caller(request: Request) -> Caller:
    return Caller(
        origin=request.headers.get("origin"),
        authorization=request.headers.get("authorization"),
        address=request.remote_addr or request.ip,
    )


def _method_not_allowed(_: Request, error: MethodNotSupported) -> HTTPResponse:
    return response.json(
        {"error": "method_not_allowed", "detail": str(error)}, status=405, headers=error.headers
    )


def _starting_up(body: dict) -> HTTPResponse:
    return response.json(body, status=503, headers={"Retry-After": str(RETRY_AFTER_SECONDS)})


def _refusal(invalid: InvalidRequest) -> HTTPResponse:
    """The JSON error for a refused request (with Retry-After for a 429)."""
    headers = {}
    if isinstance(invalid, RateLimited):
        headers["Retry-After"] = str(invalid.retry_after_seconds)
    return response.json(
        {"error": invalid.error, "detail": invalid.detail}, status=invalid.status, headers=headers
    )
