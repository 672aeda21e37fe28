"""Validation of incoming chat messages, shared by DovvyBuddy's input channels.

Standard library only: it runs inside the Rasa server (Python 3.10) and is
unit-tested from the action-server environment.
"""

from __future__ import annotations

import json
import unicodedata

MAX_SENDER_CHARS = 128
# A whole webhook body, enforced by Sanic before the body is read
# (REQUEST_MAX_SIZE; Sanic's default is 100 MB).
MAX_REQUEST_BYTES = 64 * 1024
# `metadata` is stored with the message in the tracker: small and flat.
MAX_METADATA_BYTES = 2048
MAX_METADATA_KEYS = 20
MAX_METADATA_DEPTH = 3
# Conversation ids of other channels (connectors/telegram_messages.py,
# connectors/whatsapp_messages.py): a web client must not be able to join,
# and read, someone's Telegram or WhatsApp conversation.
RESERVED_SENDER_PREFIXES = ("tg:", "wa:")
# Rasa reads a message that starts with "/" as `/intent{entities}` after the
# whole NLU pipeline, so it would override the safety layer and set any slot.
# Only the payloads DovvyBuddy's own buttons and widget send pass as such
# (a test checks them against domain.yml); any other leading "/" is dropped
# and the rest goes through the NLU as ordinary text.
INTENT_PAYLOADS = frozenset({"/greet", "/restart", "/affirm", "/deny", "/stop"})


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


def normalise_sender(sender: str) -> str:
    """The conversation id as stored: compatibility-normalised (NFKC) and trimmed."""
    return unicodedata.normalize("NFKC", sender).strip()


def is_reserved_sender(sender: str) -> bool:
    """Whether a (normalised) id belongs to another channel, in any letter case."""
    return sender.casefold().startswith(RESERVED_SENDER_PREFIXES)


def plain_text_unless_payload(text: str) -> str:
    """Keep DovvyBuddy's own button payloads; any other leading "/" is dropped."""
    if text in INTENT_PAYLOADS or not text.startswith("/"):
        return text
    return text.lstrip("/").strip()


def parse_request(body: bytes, max_message_chars: int) -> tuple[str, str, dict | None]:
    """Validate a webhook body; return (sender, message, metadata) or raise InvalidRequest."""
    try:
        payload = json.loads(body or b"")
    except (ValueError, UnicodeDecodeError, RecursionError):
        # RecursionError: thousands of nested brackets, which fit in a small body.
        payload = None
    if not isinstance(payload, dict):
        raise InvalidRequest(400, "invalid_json", "The request body must be a JSON object.")

    sender = payload.get("sender")
    if isinstance(sender, str):
        # Checked after normalising: " tg:1" or a full-width "ｔｇ:1" must not
        # slip past the reserved prefix and then be stored as "tg:1".
        sender = normalise_sender(sender)
    if not isinstance(sender, str) or not sender:
        raise InvalidRequest(400, "missing_sender", "Give a non-empty string 'sender'.")
    if not sender.isprintable():
        # A NUL in the conversation id makes the tracker store's query fail,
        # and Rasa's SQL tracker store then exits the whole server.
        raise InvalidRequest(
            400, "invalid_sender", "'sender' may only contain printable characters."
        )
    if is_reserved_sender(sender):
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
    # Measured before cleaning, so an oversized body costs no work; cleaning
    # only ever removes characters.
    if len(message) > max_message_chars:
        raise InvalidRequest(
            413,
            "message_too_long",
            f"Messages can be at most {max_message_chars} characters; "
            f"this one has {len(message)}. Please send a shorter message.",
        )
    message = plain_text_unless_payload(clean_text(message))
    if not message:
        raise InvalidRequest(400, "empty_message", "The message is empty: type a question.")

    metadata = payload.get("metadata")
    if metadata is not None:
        _check_metadata(metadata)
    return sender, message, metadata


def _check_metadata(metadata: object) -> None:
    if not isinstance(metadata, dict):
        raise InvalidRequest(400, "invalid_metadata", "'metadata' must be a JSON object.")
    if (
        len(metadata) > MAX_METADATA_KEYS
        or _depth(metadata) > MAX_METADATA_DEPTH
        or len(json.dumps(metadata).encode()) > MAX_METADATA_BYTES
    ):
        raise InvalidRequest(
            400,
            "invalid_metadata",
            f"'metadata' may have at most {MAX_METADATA_KEYS} keys, {MAX_METADATA_DEPTH} "
            f"levels and {MAX_METADATA_BYTES} bytes.",
        )


def _depth(value: object) -> int:
    """How deeply lists and objects nest in a parsed JSON value (without recursion)."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        current, level = stack.pop()
        if isinstance(current, dict | list):
            deepest = max(deepest, level)
            children = current.values() if isinstance(current, dict) else current
            stack.extend((child, level + 1) for child in children)
    return deepest
