"""Telegram updates in, reply layout out: the pure half of the Telegram channel."""

from __future__ import annotations

import pytest
from telegram import Update

from connectors.telegram_messages import (
    GREET_PAYLOAD,
    HELP_TEXT,
    RESTART_PAYLOAD,
    TELEGRAM_MAX_MESSAGE_CHARS,
    TEXT_ONLY_TEXT,
    IncomingMessage,
    inline_keyboard,
    read_update,
    split_text,
    too_long_text,
)
from tests.fakes.telegram_api import (
    button_press,
    edited_message,
    photo_message,
    reply_to_bot,
    text_message,
)

BOT = "dovvybuddy_bot"
LIMIT = 2000
PRIVATE_CHAT = 5551
GROUP_CHAT = -100777


def read(update: dict, bot_username: str | None = BOT) -> IncomingMessage | None:
    return read_update(Update.de_json(update, None), bot_username, LIMIT)


def squashed(text: str) -> str:
    return "".join(text.split())


SENTENCE = "Divers breathe slowly and never hold their breath on the way up. "
LONG_REPLY = SENTENCE * 150  # ~9,800 characters


# --- splitting long replies -------------------------------------------------


def test_a_short_text_is_one_message():
    assert split_text("Hello diver!") == ["Hello diver!"]


def test_an_empty_text_is_no_message():
    assert split_text("  \n ") == []


def test_every_chunk_of_a_long_text_fits_telegrams_limit():
    chunks = split_text(LONG_REPLY)
    assert len(chunks) == 3
    assert all(0 < len(chunk) <= TELEGRAM_MAX_MESSAGE_CHARS for chunk in chunks)


def test_split_chunks_joined_give_the_original_text():
    assert squashed("".join(split_text(LONG_REPLY))) == squashed(LONG_REPLY)


def test_a_long_text_is_split_after_a_sentence_end():
    for chunk in split_text(LONG_REPLY)[:-1]:
        assert chunk.endswith("on the way up.")


def test_a_line_break_counts_as_a_sentence_boundary():
    text = "Source: Open Water Diver\n" + "word " * 30
    assert split_text(text, limit=60)[0] == "Source: Open Water Diver"


def test_text_without_sentence_ends_is_split_between_words():
    text = "bubbles " * 1000
    chunks = split_text(text)
    assert all(len(chunk) <= TELEGRAM_MAX_MESSAGE_CHARS for chunk in chunks)
    assert all(chunk.endswith("bubbles") for chunk in chunks)
    assert squashed("".join(chunks)) == squashed(text)


def test_text_without_spaces_is_split_hard_at_the_limit():
    text = "x" * 10_000
    assert [len(chunk) for chunk in split_text(text)] == [4096, 4096, 1808]


def test_emoji_count_twice_towards_the_limit_as_telegram_counts_them():
    chunks = split_text("🐢" * 3000)
    assert [len(chunk) for chunk in chunks] == [2048, 952]


# --- buttons ------------------------------------------------------------------


def test_rasa_buttons_become_an_inline_keyboard_one_button_per_row():
    keyboard = inline_keyboard(
        [{"title": "Yes, share them", "payload": "/affirm"}, {"title": "No", "payload": "/deny"}]
    )
    assert keyboard is not None
    rows = keyboard.inline_keyboard
    assert [[(b.text, b.callback_data) for b in row] for row in rows] == [
        [("Yes, share them", "/affirm")],
        [("No", "/deny")],
    ]


def test_no_buttons_means_no_keyboard():
    assert inline_keyboard([]) is None


def test_a_payload_over_telegrams_64_bytes_is_replaced_by_the_title():
    payload = '/inform{"destination": "Perhentian Islands", "dive_site": "Sugar Wreck"}'
    keyboard = inline_keyboard([{"title": "Sugar Wreck", "payload": payload}])
    assert keyboard is not None
    assert keyboard.inline_keyboard[0][0].callback_data == "Sugar Wreck"


# --- incoming messages ------------------------------------------------------------


def test_a_private_text_message_becomes_a_turn_of_that_chat():
    incoming = read(text_message(PRIVATE_CHAT, "What is the Open Water course?"))
    assert incoming == IncomingMessage(PRIVATE_CHAT, text="What is the Open Water course?")
    assert incoming.sender_id == f"tg:{PRIVATE_CHAT}"


def test_control_characters_are_removed_from_incoming_text():
    incoming = read(text_message(PRIVATE_CHAT, "hi\x00 there\x1b"))
    assert incoming is not None
    assert incoming.text == "hi there"


def test_a_message_over_the_limit_gets_a_polite_refusal_instead_of_a_turn():
    incoming = read(text_message(PRIVATE_CHAT, "x" * (LIMIT + 1)))
    assert incoming == IncomingMessage(PRIVATE_CHAT, reply=too_long_text(LIMIT))


def test_a_photo_gets_an_only_text_reply():
    assert read(photo_message(PRIVATE_CHAT)) == IncomingMessage(PRIVATE_CHAT, reply=TEXT_ONLY_TEXT)


def test_an_edited_message_is_ignored():
    assert read(edited_message(PRIVATE_CHAT, "edited question")) is None


def test_an_update_without_a_message_is_ignored():
    assert read({"update_id": 9, "poll": None}) is None


def test_a_button_press_sends_its_payload_and_is_answered():
    update = button_press(PRIVATE_CHAT, "/affirm")
    incoming = read(update)
    assert incoming == IncomingMessage(
        PRIVATE_CHAT, text="/affirm", callback_query_id=update["callback_query"]["id"]
    )


def test_a_button_press_in_a_group_is_a_turn_of_the_group():
    incoming = read(button_press(GROUP_CHAT, "/deny"))
    assert incoming is not None
    assert incoming.sender_id == f"tg:{GROUP_CHAT}"


# --- commands ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("/start", IncomingMessage(PRIVATE_CHAT, text=GREET_PAYLOAD)),
        ("/start deep-link-code", IncomingMessage(PRIVATE_CHAT, text=GREET_PAYLOAD)),
        (f"/start@{BOT}", IncomingMessage(PRIVATE_CHAT, text=GREET_PAYLOAD)),
        ("/restart", IncomingMessage(PRIVATE_CHAT, text=RESTART_PAYLOAD)),
        ("/help", IncomingMessage(PRIVATE_CHAT, reply=HELP_TEXT)),
        ("/affirm", IncomingMessage(PRIVATE_CHAT, reply=HELP_TEXT)),
    ],
)
def test_commands(text, expected):
    assert read(text_message(PRIVATE_CHAT, text)) == expected


def test_a_command_for_another_bot_is_ignored():
    assert read(text_message(PRIVATE_CHAT, "/start@some_other_bot")) is None


# --- groups -----------------------------------------------------------------------


def test_a_group_message_not_addressed_to_the_bot_is_ignored():
    assert read(text_message(GROUP_CHAT, "anyone diving Tioman this weekend?")) is None


def test_a_plain_command_in_a_group_is_ignored():
    assert read(text_message(GROUP_CHAT, "/start")) is None


def test_a_group_message_mentioning_the_bot_is_a_turn_without_the_mention():
    incoming = read(text_message(GROUP_CHAT, f"@{BOT} what is the Open Water course?"))
    assert incoming == IncomingMessage(GROUP_CHAT, text="what is the Open Water course?")


def test_a_mention_is_recognised_whatever_its_case():
    incoming = read(text_message(GROUP_CHAT, "hey @DovvyBuddy_Bot is Redang good?"))
    assert incoming == IncomingMessage(GROUP_CHAT, text="hey is Redang good?")


def test_a_mention_of_someone_else_is_ignored():
    assert read(text_message(GROUP_CHAT, "@alice what is the Open Water course?")) is None


def test_a_reply_to_the_bot_in_a_group_is_a_turn():
    incoming = read(reply_to_bot(GROUP_CHAT, "and how long does it take?", BOT))
    assert incoming == IncomingMessage(GROUP_CHAT, text="and how long does it take?")


def test_a_command_addressed_to_the_bot_in_a_group_is_a_turn():
    assert read(text_message(GROUP_CHAT, f"/restart@{BOT}")) == IncomingMessage(
        GROUP_CHAT, text=RESTART_PAYLOAD
    )


def test_without_a_known_bot_username_groups_are_ignored_but_private_chats_work():
    assert read(text_message(GROUP_CHAT, f"@{BOT} hello"), bot_username=None) is None
    assert read(text_message(PRIVATE_CHAT, "hello"), bot_username=None) == IncomingMessage(
        PRIVATE_CHAT, text="hello"
    )


def test_a_photo_in_a_group_not_addressed_to_the_bot_is_ignored():
    assert read(photo_message(GROUP_CHAT)) is None
