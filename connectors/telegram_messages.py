"""What a Telegram update means for Rasa, and how a reply is laid out for Telegram.

Pure functions without I/O: `connectors/telegram.py` does the talking to
Telegram and to Rasa. Imports only python-telegram-bot, the standard library
and the vocabulary, so it is unit-tested from the action-server environment.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from telegram import (
    CallbackQuery,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
    MessageEntity,
    Update,
)
from telegram.constants import ChatType, InlineKeyboardButtonLimit, MessageLimit

from connectors.validation import clean_text, plain_text_unless_payload
from dovvybuddy.knowledge.vocabulary import DESTINATION_NAMES, DESTINATIONS

TELEGRAM_MAX_MESSAGE_CHARS = MessageLimit.MAX_TEXT_LENGTH

# Rasa reads "/intent" as that intent with full confidence, and restarts on "/restart".
GREET_PAYLOAD = "/greet"
RESTART_PAYLOAD = "/restart"

HELP_TEXT = (
    "I'm DovvyBuddy, a scuba-diving assistant. Just type your question, for example "
    f'"What is the Open Water course?" or "Which sites suit a beginner in '
    f'{DESTINATION_NAMES[DESTINATIONS[0]]}?".\n'
    "/start says hello, /restart forgets our conversation, /help shows this message."
)
TEXT_ONLY_TEXT = "Sorry, I can only read text messages. Please type your question."

# "/start", "/start@SomeBot", "/start some arguments"
_COMMAND = re.compile(r"/(?P<name>[A-Za-z0-9_]+)(?:@(?P<bot>[A-Za-z0-9_]+))?(?:\s|$)")
# A sentence end (with any closing quotes or brackets) before a space, or a line break.
_SENTENCE_END = re.compile(r"[.!?…][\"'”’)\]]*(?=\s)|\n")
_WHITESPACE = re.compile(r"\s")


def too_long_text(max_chars: int) -> str:
    """The reply to a message over the configured length."""
    return (
        f"Sorry, that message is too long for me: please keep it under {max_chars} "
        "characters, or split it into shorter questions."
    )


@dataclass(frozen=True)
class IncomingMessage:
    """What one update asks of the bot: a Rasa turn (`text`) or a fixed `reply`."""

    chat_id: int
    text: str | None = None
    reply: str | None = None
    callback_query_id: str | None = None

    @property
    def sender_id(self) -> str:
        """The Rasa conversation: one per chat, so a group shares one conversation."""
        return conversation_id(self.chat_id)


# Telegram conversations live under their own prefix, which the web channel
# refuses: a REST client that knows someone's chat id cannot join their
# conversation (and read back a lead summary).
CONVERSATION_PREFIX = "tg:"


def conversation_id(chat_id: int | str) -> str:
    """The Rasa conversation id of a Telegram chat."""
    return f"{CONVERSATION_PREFIX}{chat_id}"


def chat_id_of(conversation: str) -> str:
    """The Telegram chat of a Rasa conversation id (as Rasa hands it to the output)."""
    return conversation.removeprefix(CONVERSATION_PREFIX)


def read_update(update: Update, bot_username: str | None, max_chars: int) -> IncomingMessage | None:
    """Turn an update into what the bot should do, or None when it should stay quiet.

    Edited messages, channel posts and group messages not addressed to the bot
    (by an @mention, a reply to the bot, or `/command@bot`) are ignored.
    """
    if update.callback_query is not None:
        return _read_button_press(update.callback_query)
    message = update.message
    if message is None:
        return None
    if message.chat.type != ChatType.PRIVATE and not _is_addressed(message, bot_username):
        return None
    chat_id = message.chat.id
    if message.text is None:
        return IncomingMessage(chat_id, reply=TEXT_ONLY_TEXT)

    text = clean_text(message.text)
    command = _COMMAND.match(text)
    if command:
        addressee = command["bot"]
        if addressee and addressee.lower() != (bot_username or "").lower():
            return None
        return _read_command(chat_id, command["name"].lower())
    text = plain_text_unless_payload(_without_mention(text, bot_username))
    if not text:
        return None
    if len(text) > max_chars:
        return IncomingMessage(chat_id, reply=too_long_text(max_chars))
    return IncomingMessage(chat_id, text=text)


def _read_button_press(query: CallbackQuery) -> IncomingMessage | None:
    # Without a message (a button under an inline-mode message) there is no chat to answer.
    if query.message is None or not query.data:
        return None
    # Callback data is chosen by the client, not by our buttons, so it gets
    # the same treatment as typed text.
    text = plain_text_unless_payload(clean_text(query.data))
    if not text:
        return None
    return IncomingMessage(query.message.chat.id, text=text, callback_query_id=query.id)


def _read_command(chat_id: int, name: str) -> IncomingMessage:
    if name == "start":
        return IncomingMessage(chat_id, text=GREET_PAYLOAD)
    if name == "restart":
        return IncomingMessage(chat_id, text=RESTART_PAYLOAD)
    # /help and unknown commands: a diver typing "/affirm" should not trigger intents.
    return IncomingMessage(chat_id, reply=HELP_TEXT)


def _is_addressed(message: Message, bot_username: str | None) -> bool:
    if not bot_username:
        return False
    name = bot_username.lower()
    replied_to = message.reply_to_message
    if (
        replied_to
        and replied_to.from_user
        and (replied_to.from_user.username or "").lower() == name
    ):
        return True
    mentions = {
        **message.parse_entities([MessageEntity.MENTION]),
        **message.parse_caption_entities([MessageEntity.MENTION]),
    }
    if any(mention.lower() == f"@{name}" for mention in mentions.values()):
        return True
    command = _COMMAND.match(message.text or "")
    return bool(command and (command["bot"] or "").lower() == name)


def _without_mention(text: str, bot_username: str | None) -> str:
    if not bot_username:
        return text
    return re.sub(rf"\s*@{re.escape(bot_username)}\b", "", text, flags=re.IGNORECASE).strip()


def split_text(text: str, limit: int = TELEGRAM_MAX_MESSAGE_CHARS) -> list[str]:
    """Split `text` into messages of at most `limit` characters.

    Cuts after the last sentence end (or line break) that fits, else at the
    last space, else exactly at the limit. Whitespace at the cuts is dropped.
    """
    chunks: list[str] = []
    rest = text.strip()
    while rest:
        fitting = _fitting_prefix_length(rest, limit)
        if fitting == len(rest):
            chunks.append(rest)
            break
        cut = _cut_position(rest[:fitting])
        chunks.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    return chunks


def _fitting_prefix_length(text: str, limit: int) -> int:
    # Telegram counts UTF-16 code units: characters outside the BMP (most emoji) count twice.
    units = 0
    for index, char in enumerate(text):
        units += 2 if ord(char) > 0xFFFF else 1
        if units > limit:
            return index
    return len(text)


def _cut_position(window: str) -> int:
    sentence_ends = [match.end() for match in _SENTENCE_END.finditer(window)]
    if sentence_ends and window[: sentence_ends[-1]].strip():
        return sentence_ends[-1]
    spaces = [match.start() for match in _WHITESPACE.finditer(window)]
    if spaces and window[: spaces[-1]].strip():
        return spaces[-1]
    return len(window)


def inline_keyboard(buttons: Iterable[Mapping[str, Any]]) -> InlineKeyboardMarkup | None:
    """Rasa buttons (`{"title", "payload"}`) as an inline keyboard, one button per row."""
    rows = [
        [InlineKeyboardButton(str(button["title"]), callback_data=_callback_data(button))]
        for button in buttons
    ]
    return InlineKeyboardMarkup(rows) if rows else None


def _callback_data(button: Mapping[str, Any]) -> str:
    # Telegram refuses callback data over 64 bytes; the title is what the diver
    # would have typed, so the NLU still understands the press.
    limit = InlineKeyboardButtonLimit.MAX_CALLBACK_DATA
    for candidate in (str(button.get("payload") or ""), str(button["title"])):
        if 0 < len(candidate.encode()) <= limit:
            return candidate
    return str(button["title"]).encode()[:limit].decode(errors="ignore")
