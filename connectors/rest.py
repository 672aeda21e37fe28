"""The REST channel with the input checks Rasa's own REST channel lacks.

Rasa's `RestInput` trusts its input: invalid JSON or a missing sender becomes
a 500, any length of text goes to the NLU, and an exception inside the turn
is swallowed into an empty `[]` reply. This channel keeps the same URL
(`/webhooks/rest/webhook`) and reply format, and instead:

- answers malformed requests with a 4xx and a JSON error that says what is wrong;
- strips control characters and refuses messages over the configured length;
- never answers a real message with an empty list: if the turn produced no
  reply, the diver gets a polite "try again" message.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from connectors.validation import InvalidRequest, parse_request
from dovvybuddy.settings import load_settings

logger = logging.getLogger(__name__)

NO_REPLY_TEXT = "Sorry, I'm having trouble answering right now. Please try again in a moment."


class GuardedRestInput(RestInput):
    """Rasa's REST channel with request validation and a never-empty reply."""

    def __init__(self, max_message_chars: int | None = None) -> None:
        self.max_message_chars = max_message_chars or load_settings().max_message_chars

    @classmethod
    def name(cls) -> str:
        return "rest"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> GuardedRestInput:
        credentials = credentials or {}
        return cls(max_message_chars=credentials.get("max_message_chars"))

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[None]]) -> Blueprint:
        webhook = Blueprint(f"custom_webhook_{type(self).__name__}", __name__)

        @webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            try:
                sender, text, metadata = parse_request(request.body, self.max_message_chars)
            except InvalidRequest as invalid:
                return response.json(
                    {"error": invalid.error, "detail": invalid.detail}, status=invalid.status
                )

            collector = CollectingOutputChannel()
            try:
                await on_new_message(
                    UserMessage(
                        text,
                        collector,
                        sender,
                        input_channel=self.name(),
                        metadata=metadata,
                    )
                )
            except Exception:  # the diver still gets an answer; the log gets the trace
                logger.exception("REST turn failed")
            if not collector.messages:
                return response.json([{"recipient_id": sender, "text": NO_REPLY_TEXT}])
            return response.json(collector.messages)

        return webhook
