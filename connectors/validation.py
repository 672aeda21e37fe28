"""Validation of incoming chat messages, shared by DovvyBuddy's input channels.

Standard library only: it runs inside the Rasa server (Python 3.10) and is
unit-tested from the action-server environment.
"""

from __future__ import annotations

import json
import unicodedata

MAX_SENDER_CHARS = 128
# Conversation ids of other channels (connectors/telegram_messages.py): a web
# client must not be able to join, and read, someone's Telegram conversation.
RESERVED_SENDER_PREFIXES = ("tg:",)


class InvalidRequest(Exception):
    """A request this channel refuses, with the HTTP status and reason to report."""

    def __init__(self, status: int, error: str, detail: str) -> None:
        super().__init__(detail)
        self.status = status
        self.error = error
        self.detail = detail


def _is_kept(char: str) -> bool:
    category = unicodedata.category(char)
    # Format characters (Cf) carry the joiners and direction marks that emoji
    # sequences and right-to-left scripts need; other control characters go.
    return char in "\n\t" or category == "Cf" or not category.startswith("C")


def clean_text(text: str) -> str:
    """Normalise to NFC and drop control characters other than line breaks and tabs."""
    normalised = unicodedata.normalize("NFC", text)
    return "".join(char for char in normalised if _is_kept(char)).strip()


def parse_request(body: bytes, max_message_chars: int) -> tuple[str, str, dict | None]:
    """Validate a webhook body; return (sender, message, metadata) or raise InvalidRequest."""
    try:
        payload = json.loads(body or b"")
    except (ValueError, UnicodeDecodeError):
        payload = None
    if not isinstance(payload, dict):
        raise InvalidRequest(400, "invalid_json", "The request body must be a JSON object.")

    sender = payload.get("sender")
    if not isinstance(sender, str) or not sender.strip():
        raise InvalidRequest(400, "missing_sender", "Give a non-empty string 'sender'.")
    if not sender.isprintable():
        # A NUL in the conversation id makes the tracker store's query fail,
        # and Rasa's SQL tracker store then exits the whole server.
        raise InvalidRequest(
            400, "invalid_sender", "'sender' may only contain printable characters."
        )
    if sender.startswith(RESERVED_SENDER_PREFIXES):
        raise InvalidRequest(
            400, "invalid_sender", "This 'sender' is reserved for another channel."
        )
    if len(sender) > MAX_SENDER_CHARS:
        raise InvalidRequest(
            400, "invalid_sender", f"'sender' can be at most {MAX_SENDER_CHARS} characters."
        )

    message = payload.get("message")
    if not isinstance(message, str):
        raise InvalidRequest(400, "missing_message", "Give the text as a string 'message'.")
    message = clean_text(message)
    if not message:
        raise InvalidRequest(400, "empty_message", "The message is empty: type a question.")
    if len(message) > max_message_chars:
        raise InvalidRequest(
            413,
            "message_too_long",
            f"Messages can be at most {max_message_chars} characters; "
            f"this one has {len(message)}. Please send a shorter message.",
        )

    metadata = payload.get("metadata")
    if metadata is not None and not isinstance(metadata, dict):
        raise InvalidRequest(400, "invalid_metadata", "'metadata' must be a JSON object.")
    return sender.strip(), message, metadata
