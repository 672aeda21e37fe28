"""What a WhatsApp Cloud API webhook means for Rasa, and how a reply is laid out for WhatsApp.

Pure functions without I/O: `connectors/whatsapp.py` does the talking to
Meta's Graph API and to Rasa. Standard library only, so it is unit-tested
from the action-server environment.

Meta POSTs one JSON body per batch: `entry[].changes[].value` holds either
`messages` (what people sent) or `statuses` (what became of what we sent:
sent, delivered, read, failed), for one business phone number
(`value.metadata.phone_number_id`).
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from connectors.validation import clean_text, plain_text_unless_payload

WHATSAPP_MAX_MESSAGE_CHARS = 4096
# Interactive messages: the body, the buttons and the list rows have their own limits.
MAX_INTERACTIVE_BODY_CHARS = 1024
MAX_REPLY_BUTTONS = 3
MAX_BUTTON_TITLE_CHARS = 20
MAX_BUTTON_ID_CHARS = 256
MAX_LIST_ROWS = 10
MAX_LIST_ROW_TITLE_CHARS = 24
MAX_LIST_ROW_DESCRIPTION_CHARS = 72
MAX_LIST_ROW_ID_CHARS = 200
LIST_BUTTON_LABEL = "Choose"
LIST_SECTION_TITLE = "Options"
# The body of each further list message when the choices need more than one.
MORE_CHOICES_TEXT = "More choices:"
# WhatsApp needs a body above buttons.
BUTTONS_ONLY_TEXT = "Please choose:"

SIGNATURE_HEADER = "X-Hub-Signature-256"
SIGNATURE_PREFIX = "sha256="

TEXT_ONLY_TEXT = (
    "I can only read text messages for now. Please type your question, "
    'for example "What is the Open Water course?".'
)
# Types a person can send that carry no text for the assistant.
UNSUPPORTED_TYPES = frozenset(
    {
        "image",
        "audio",
        "voice",
        "video",
        "location",
        "sticker",
        "document",
        "contacts",
        "reaction",
        "order",
        "unsupported",
        "unknown",
    }
)
# Status values Meta reports for a message we sent.
STATUSES = frozenset({"sent", "delivered", "read", "failed", "deleted"})

# WhatsApp conversations live under their own prefix, which the web channel
# refuses: a REST client that knows someone's number cannot join their
# conversation (and read back a lead summary).
CONVERSATION_PREFIX = "wa:"

# A sentence end (with any closing quotes or brackets) before a space, or a line break.
_SENTENCE_END = re.compile(r"[.!?…][\"'”’)\]]*(?=\s)|\n")
_WHITESPACE = re.compile(r"\s")
_NOT_DIGIT = re.compile(r"\D")


def too_long_text(max_chars: int) -> str:
    """The reply to a message over the configured length."""
    return (
        f"Sorry, that message is too long for me: please keep it under {max_chars} "
        "characters, or split it into shorter questions."
    )


def normalise_number(number: str) -> str:
    """A WhatsApp number as digits only (E.164 without the "+"): "+60 12-345" -> "6012345"."""
    return _NOT_DIGIT.sub("", number)


def conversation_id(number: str) -> str:
    """The Rasa conversation id of a WhatsApp number."""
    return f"{CONVERSATION_PREFIX}{normalise_number(number)}"


def number_of(conversation: str) -> str:
    """The WhatsApp number of a Rasa conversation id (as Rasa hands it to the output)."""
    return normalise_number(conversation.removeprefix(CONVERSATION_PREFIX))


@dataclass(frozen=True)
class IncomingMessage:
    """One message a person sent: a Rasa turn (`text`) or a fixed `reply`."""

    message_id: str
    number: str
    timestamp: int
    kind: str
    text: str | None = None
    reply: str | None = None

    @property
    def sender_id(self) -> str:
        return conversation_id(self.number)


@dataclass(frozen=True)
class StatusUpdate:
    """What became of a message we sent; acknowledged, never a turn."""

    message_id: str
    number: str
    status: str
    timestamp: int
    error_codes: tuple[int, ...] = ()


@dataclass(frozen=True)
class WebhookEvents:
    """Everything one webhook POST reported."""

    messages: tuple[IncomingMessage, ...] = ()
    statuses: tuple[StatusUpdate, ...] = ()
    ignored: int = 0

    @property
    def empty(self) -> bool:
        return not self.messages and not self.statuses


# --- incoming ---------------------------------------------------------------------


def valid_signature(body: bytes, header: str | None, app_secret: str) -> bool:
    """Whether `X-Hub-Signature-256` is the HMAC-SHA256 of the raw body under the app secret."""
    if not header or not app_secret or not header.startswith(SIGNATURE_PREFIX):
        return False
    expected = hmac.new(app_secret.encode(), body, hashlib.sha256).hexdigest()
    given = header[len(SIGNATURE_PREFIX) :].strip().lower()
    return hmac.compare_digest(given.encode(), expected.encode())


def sign(body: bytes, app_secret: str) -> str:
    """The `X-Hub-Signature-256` value Meta sends with `body` (for tests and tools)."""
    return SIGNATURE_PREFIX + hmac.new(app_secret.encode(), body, hashlib.sha256).hexdigest()


def verification_challenge(params: Mapping[str, str], verify_token: str | None) -> str | None:
    """The `hub.challenge` to echo when Meta verifies the webhook, or None to refuse."""
    if not verify_token or params.get("hub.mode") != "subscribe":
        return None
    given = params.get("hub.verify_token") or ""
    if not hmac.compare_digest(given.encode(), verify_token.encode()):
        return None
    challenge = params.get("hub.challenge") or ""
    # Meta sends a number; anything else is echoed only when short and plain.
    if not challenge or len(challenge) > 128 or not challenge.isprintable():
        return None
    return challenge


def read_webhook(payload: Any, max_chars: int, phone_number_id: str | None = None) -> WebhookEvents:
    """All messages and statuses of a webhook body; what is not understood is counted as ignored.

    Changes for another business phone number than `phone_number_id` (when
    given) are ignored, as are system messages and malformed entries.
    """
    messages: list[IncomingMessage] = []
    statuses: list[StatusUpdate] = []
    ignored = 0
    if not isinstance(payload, dict) or payload.get("object") != "whatsapp_business_account":
        return WebhookEvents(ignored=1)
    for value in _change_values(payload):
        metadata = value.get("metadata")
        own_number = metadata.get("phone_number_id") if isinstance(metadata, dict) else None
        if phone_number_id and str(own_number) != phone_number_id:
            ignored += 1
            continue
        for raw in _dicts(value.get("messages")):
            message = read_message(raw, max_chars)
            if message is None:
                ignored += 1
            else:
                messages.append(message)
        for raw in _dicts(value.get("statuses")):
            status = read_status(raw)
            if status is None:
                ignored += 1
            else:
                statuses.append(status)
    return WebhookEvents(tuple(messages), tuple(statuses), ignored)


def _change_values(payload: Mapping[str, Any]) -> Iterable[Mapping[str, Any]]:
    for entry in _dicts(payload.get("entry")):
        for change in _dicts(entry.get("changes")):
            value = change.get("value")
            if change.get("field", "messages") == "messages" and isinstance(value, dict):
                yield value


def _dicts(items: object) -> list[dict[str, Any]]:
    return [item for item in items if isinstance(item, dict)] if isinstance(items, list) else []


def _timestamp(raw: object) -> int:
    try:
        return int(str(raw))
    except ValueError:
        return 0


def read_message(raw: Mapping[str, Any], max_chars: int) -> IncomingMessage | None:
    """One entry of `value.messages`, or None when the assistant should stay quiet."""
    message_id, sender, kind = raw.get("id"), raw.get("from"), raw.get("type")
    if not isinstance(message_id, str) or not message_id or not isinstance(sender, str):
        return None
    number = normalise_number(sender)
    if not number or not isinstance(kind, str):
        return None
    base = {
        "message_id": message_id,
        "number": number,
        "timestamp": _timestamp(raw.get("timestamp")),
    }
    if kind == "text":
        body = raw.get("text", {}).get("body") if isinstance(raw.get("text"), dict) else None
        return _typed(base, "text", body, max_chars)
    if kind == "interactive":
        return _interactive(base, raw.get("interactive"), max_chars)
    if kind == "button":
        # A quick-reply button of a template message.
        button = raw.get("button") if isinstance(raw.get("button"), dict) else {}
        return _typed(base, "button", button.get("payload") or button.get("text"), max_chars)
    if kind in UNSUPPORTED_TYPES:
        return IncomingMessage(**base, kind=kind, reply=TEXT_ONLY_TEXT)
    # "system" (the person changed number) and anything new: no reply.
    return None


def _interactive(
    base: dict[str, Any], interactive: object, max_chars: int
) -> IncomingMessage | None:
    if not isinstance(interactive, dict):
        return None
    kind = interactive.get("type")
    if kind not in ("button_reply", "list_reply"):
        return None
    choice = interactive.get(kind)
    if not isinstance(choice, dict):
        return None
    # The id is our button's payload, the title what the person saw; ids are
    # chosen by the client, not by our buttons, so both are read as typed text.
    return _typed(base, kind, choice.get("id") or choice.get("title"), max_chars)


def _typed(
    base: dict[str, Any], kind: str, raw_text: object, max_chars: int
) -> IncomingMessage | None:
    if not isinstance(raw_text, str):
        return None
    if len(raw_text) > max_chars:
        return IncomingMessage(**base, kind=kind, reply=too_long_text(max_chars))
    text = plain_text_unless_payload(clean_text(raw_text))
    if not text:
        return None
    return IncomingMessage(**base, kind=kind, text=text)


def read_status(raw: Mapping[str, Any]) -> StatusUpdate | None:
    """One entry of `value.statuses`."""
    message_id, status = raw.get("id"), raw.get("status")
    if not isinstance(message_id, str) or status not in STATUSES:
        return None
    codes = tuple(
        error["code"] for error in _dicts(raw.get("errors")) if isinstance(error.get("code"), int)
    )
    return StatusUpdate(
        message_id=message_id,
        number=normalise_number(str(raw.get("recipient_id") or "")),
        status=str(status),
        timestamp=_timestamp(raw.get("timestamp")),
        error_codes=codes,
    )


# --- outgoing ---------------------------------------------------------------------


def _envelope(number: str, kind: str, content: dict[str, Any]) -> dict[str, Any]:
    return {
        "messaging_product": "whatsapp",
        "recipient_type": "individual",
        "to": normalise_number(number),
        "type": kind,
        kind: content,
    }


def text_payload(number: str, text: str) -> dict[str, Any]:
    """A text message (at most 4,096 characters: split first)."""
    return _envelope(number, "text", {"preview_url": False, "body": text})


def image_payload(number: str, url: str) -> dict[str, Any]:
    return _envelope(number, "image", {"link": url})


def _shorten(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _button_id(button: Mapping[str, Any], limit: int) -> str:
    # The id comes back when tapped; the title is what the diver would have
    # typed, so a payload over the limit is replaced by it.
    for candidate in (str(button.get("payload") or ""), str(button.get("title") or "")):
        if 0 < len(candidate) <= limit:
            return candidate
    return str(button.get("title") or "")[:limit]


def _unique(titles: list[str], limit: int) -> list[str]:
    # WhatsApp refuses two buttons or rows with the same title.
    seen: set[str] = set()
    unique = []
    for number, title in enumerate(titles, start=1):
        if title in seen or not title:
            title = _shorten(f"{number}. {title}", limit)
        seen.add(title)
        unique.append(title)
    return unique


def buttons_payload(number: str, body: str, buttons: list[Mapping[str, Any]]) -> dict[str, Any]:
    """Up to three reply buttons under `body` (at most 1,024 characters)."""
    titles = _unique(
        [_shorten(str(b.get("title") or ""), MAX_BUTTON_TITLE_CHARS) for b in buttons],
        MAX_BUTTON_TITLE_CHARS,
    )
    replies = [
        {"type": "reply", "reply": {"id": _button_id(button, MAX_BUTTON_ID_CHARS), "title": title}}
        for button, title in zip(buttons[:MAX_REPLY_BUTTONS], titles, strict=False)
    ]
    return _envelope(
        number,
        "interactive",
        {"type": "button", "body": {"text": body}, "action": {"buttons": replies}},
    )


def list_payload(number: str, body: str, buttons: list[Mapping[str, Any]]) -> dict[str, Any]:
    """A list message of up to ten rows; a shortened title keeps its full text as description."""
    full_titles = [" ".join(str(b.get("title") or "").split()) for b in buttons[:MAX_LIST_ROWS]]
    titles = _unique(
        [_shorten(t, MAX_LIST_ROW_TITLE_CHARS) for t in full_titles], MAX_LIST_ROW_TITLE_CHARS
    )
    rows = []
    for button, title, full in zip(buttons, titles, full_titles, strict=False):
        row = {"id": _button_id(button, MAX_LIST_ROW_ID_CHARS), "title": title}
        if full != title:
            row["description"] = _shorten(full, MAX_LIST_ROW_DESCRIPTION_CHARS)
        rows.append(row)
    action = {
        "button": LIST_BUTTON_LABEL,
        "sections": [{"title": LIST_SECTION_TITLE, "rows": rows}],
    }
    return _envelope(
        number, "interactive", {"type": "list", "body": {"text": body}, "action": action}
    )


def text_payloads(number: str, text: str) -> list[dict[str, Any]]:
    """A text reply as messages of at most 4,096 characters."""
    return [text_payload(number, chunk) for chunk in split_text(text)]


def reply_payloads(
    number: str, text: str, buttons: list[Mapping[str, Any]]
) -> list[dict[str, Any]]:
    """A reply with Rasa buttons (`{"title", "payload"}`) as WhatsApp messages.

    Up to 3 buttons: reply buttons; 4 to 10: a list message; more: list
    messages of ten rows each, the later ones headed "More choices:", so that
    every choice (a summary's last "Edit" rows too) stays one tap away. The
    buttons go under the last part of a long text; when that part is over the 1,024 characters an
    interactive body may hold, it is sent as text with "Please choose:" above
    the buttons.
    """
    buttons = [button for button in buttons if button.get("title") or button.get("payload")]
    chunks = split_text(text)
    if not buttons:
        return [text_payload(number, chunk) for chunk in chunks]
    last = BUTTONS_ONLY_TEXT
    if chunks and len(chunks[-1]) <= MAX_INTERACTIVE_BODY_CHARS:
        last = chunks.pop()
    messages = [text_payload(number, chunk) for chunk in chunks]
    if len(buttons) <= MAX_REPLY_BUTTONS:
        messages.append(buttons_payload(number, last, buttons))
    else:
        groups = [buttons[i : i + MAX_LIST_ROWS] for i in range(0, len(buttons), MAX_LIST_ROWS)]
        messages.append(list_payload(number, last, groups[0]))
        messages += [list_payload(number, MORE_CHOICES_TEXT, group) for group in groups[1:]]
    return messages


def split_text(text: str, limit: int = WHATSAPP_MAX_MESSAGE_CHARS) -> list[str]:
    """Split `text` into messages of at most `limit` characters.

    Cuts after the last sentence end (or line break) that fits, else at the
    last space, else exactly at the limit. Whitespace at the cuts is dropped.
    """
    chunks: list[str] = []
    rest = text.strip()
    while rest:
        if len(rest) <= limit:
            chunks.append(rest)
            break
        cut = _cut_position(rest[:limit])
        chunks.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    return chunks


def _cut_position(window: str) -> int:
    sentence_ends = [match.end() for match in _SENTENCE_END.finditer(window)]
    if sentence_ends and window[: sentence_ends[-1]].strip():
        return sentence_ends[-1]
    spaces = [match.start() for match in _WHITESPACE.finditer(window)]
    if spaces and window[: spaces[-1]].strip():
        return spaces[-1]
    return len(window)


@dataclass
class RecentIds:
    """The last `size` message ids seen, to acknowledge Meta's redeliveries without a turn."""

    size: int = 4096
    _ids: dict[str, None] = field(default_factory=dict)

    def seen(self, message_id: str) -> bool:
        """True when `message_id` was seen before; remembers it either way."""
        if message_id in self._ids:
            self._ids.pop(message_id)
            self._ids[message_id] = None
            return True
        self._ids[message_id] = None
        if len(self._ids) > self.size:
            self._ids.pop(next(iter(self._ids)))
        return False


# Meta's customer-service window: free-form replies only within 24 h of the
# person's last message.
SERVICE_WINDOW_SECONDS = 24 * 3600


@dataclass
class ServiceWindows:
    """When each number last wrote, to send only within the 24-hour window."""

    seconds: float = SERVICE_WINDOW_SECONDS
    max_numbers: int = 100_000
    _last: dict[str, float] = field(default_factory=dict)

    def record(self, number: str, when: float) -> None:
        number = normalise_number(number)
        if when < self._last.get(number, 0.0):
            return
        self._last.pop(number, None)
        self._last[number] = when
        if len(self._last) > self.max_numbers:
            self._last.pop(next(iter(self._last)))

    def is_open(self, number: str, now: float) -> bool:
        last = self._last.get(normalise_number(number))
        return last is not None and now - last < self.seconds
