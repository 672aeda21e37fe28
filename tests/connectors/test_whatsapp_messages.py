"""WhatsApp webhooks in, reply layout out: the pure half of the WhatsApp channel.

The webhook bodies follow the examples of Meta's Cloud API documentation
(one `entry`, one `change` with `field: messages`, a `value` with `metadata`,
`contacts` and `messages`, or `statuses`).
"""

from __future__ import annotations

import hashlib
import hmac
import json

import pytest

from connectors.validation import (
    InvalidRequest,
    is_reserved_sender,
    normalise_sender,
    parse_request,
)
from connectors.whatsapp_messages import (
    BUTTONS_ONLY_TEXT,
    MAX_BUTTON_TITLE_CHARS,
    MAX_INTERACTIVE_BODY_CHARS,
    MAX_LIST_ROW_TITLE_CHARS,
    MAX_LIST_ROWS,
    TEXT_ONLY_TEXT,
    WHATSAPP_MAX_MESSAGE_CHARS,
    RecentIds,
    ServiceWindows,
    buttons_payload,
    conversation_id,
    list_payload,
    number_of,
    read_webhook,
    reply_payloads,
    sign,
    split_text,
    text_payload,
    too_long_text,
    valid_signature,
    verification_challenge,
)
from tests.fakes.whatsapp_api import (
    BUSINESS_ACCOUNT_ID,
    DISPLAY_NUMBER,
    PHONE_NUMBER_ID,
    button_reply,
    image_message,
    list_reply,
    status,
    text_message,
    webhook,
)

NUMBER = "16505551234"
LIMIT = 2000
SECRET = "app-secret"


def read(payload: dict, phone_number_id: str | None = PHONE_NUMBER_ID):
    return read_webhook(payload, LIMIT, phone_number_id)


def one_message(message: dict):
    events = read(webhook(messages=[message]))
    assert events.statuses == ()
    (incoming,) = events.messages
    return incoming


# --- messages in ---------------------------------------------------------------------


def test_a_text_message_becomes_a_turn_in_the_numbers_conversation():
    incoming = one_message(text_message(NUMBER, "What is the Open Water course?", id="wamid.A1"))
    assert incoming.text == "What is the Open Water course?"
    assert incoming.reply is None
    assert incoming.kind == "text"
    assert incoming.message_id == "wamid.A1"
    assert incoming.number == NUMBER
    assert incoming.sender_id == f"wa:{NUMBER}"


def test_meta_documented_text_example_is_read_exactly():
    # The "text message" example of the Cloud API webhook reference, verbatim in shape.
    payload = {
        "object": "whatsapp_business_account",
        "entry": [
            {
                "id": BUSINESS_ACCOUNT_ID,
                "changes": [
                    {
                        "value": {
                            "messaging_product": "whatsapp",
                            "metadata": {
                                "display_phone_number": DISPLAY_NUMBER,
                                "phone_number_id": PHONE_NUMBER_ID,
                            },
                            "contacts": [{"profile": {"name": "Kerry Fisher"}, "wa_id": NUMBER}],
                            "messages": [
                                {
                                    "from": NUMBER,
                                    "id": "wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTRBNjU5OUFF",
                                    "timestamp": "1749416383",
                                    "type": "text",
                                    "text": {"body": "Does it cost much to dive in Tioman?"},
                                }
                            ],
                        },
                        "field": "messages",
                    }
                ],
            }
        ],
    }
    (incoming,) = read(payload).messages
    assert incoming.timestamp == 1749416383
    assert incoming.text == "Does it cost much to dive in Tioman?"


def test_a_reply_button_tap_reads_as_the_buttons_payload():
    incoming = one_message(button_reply(NUMBER, "/affirm", "Yes, send it"))
    assert (incoming.kind, incoming.text) == ("button_reply", "/affirm")


def test_a_list_row_pick_reads_as_the_rows_id():
    incoming = one_message(list_reply(NUMBER, "Advanced Open Water", "Advanced Open Water"))
    assert (incoming.kind, incoming.text) == ("list_reply", "Advanced Open Water")


def test_a_button_id_that_is_not_our_payload_is_read_as_plain_text():
    # Ids come from the client: "/inform{...}" must not set slots or skip the NLU.
    incoming = one_message(button_reply(NUMBER, '/inform{"email": "x@y.z"}'))
    assert incoming.text == 'inform{"email": "x@y.z"}'


def test_a_template_quick_reply_button_reads_as_its_payload():
    message = text_message(NUMBER, "ignored")
    del message["text"]
    message.update(type="button", button={"payload": "How do I start diving?", "text": "Start"})
    assert one_message(message).text == "How do I start diving?"


@pytest.mark.parametrize(
    ("kind", "content"),
    [
        ("image", {"mime_type": "image/jpeg", "sha256": "abc", "id": "1"}),
        (
            "audio",
            {"mime_type": "audio/ogg; codecs=opus", "sha256": "abc", "id": "2", "voice": False},
        ),
        ("voice", {"mime_type": "audio/ogg; codecs=opus", "sha256": "abc", "id": "3"}),
        ("video", {"mime_type": "video/mp4", "sha256": "abc", "id": "4"}),
        ("document", {"filename": "logbook.pdf", "mime_type": "application/pdf", "id": "5"}),
        ("sticker", {"mime_type": "image/webp", "sha256": "abc", "id": "6", "animated": False}),
        ("location", {"latitude": 2.81, "longitude": 104.16, "name": "Tioman", "address": ""}),
        ("contacts", [{"name": {"formatted_name": "Buddy"}, "phones": [{"phone": "+6012"}]}]),
        ("reaction", {"message_id": "wamid.sent1", "emoji": "\U0001f44d"}),
        ("unsupported", None),
    ],
)
def test_a_message_without_text_gets_the_polite_text_only_reply(kind, content):
    message = text_message(NUMBER, "x")
    del message["text"]
    message["type"] = kind
    if content is not None:
        message[kind] = content
    if kind == "unsupported":
        message["errors"] = [{"code": 131051, "title": "Message type unknown"}]
    incoming = one_message(message)
    assert incoming.text is None
    assert incoming.reply == TEXT_ONLY_TEXT
    assert "only read text" in TEXT_ONLY_TEXT


def test_an_image_helper_message_gets_the_text_only_reply():
    assert one_message(image_message(NUMBER)).reply == TEXT_ONLY_TEXT


def test_a_system_message_is_ignored():
    message = {
        "from": NUMBER,
        "id": "wamid.S1",
        "timestamp": "1749416383",
        "type": "system",
        "system": {"body": "User changed number", "type": "user_changed_number"},
    }
    events = read(webhook(messages=[message]))
    assert events.messages == () and events.ignored == 1


def test_a_too_long_message_gets_the_too_long_reply():
    incoming = one_message(text_message(NUMBER, "a" * (LIMIT + 1)))
    assert incoming.text is None and incoming.reply == too_long_text(LIMIT)


def test_control_characters_are_cleaned_and_an_empty_text_is_ignored():
    assert one_message(text_message(NUMBER, " hi\x00 there\x07 ")).text == "hi there"
    assert read(webhook(messages=[text_message(NUMBER, " \x00 ")])).messages == ()


def test_several_entries_changes_and_messages_in_one_post_are_all_read():
    first = webhook(messages=[text_message(NUMBER, "one"), text_message("60123456789", "two")])
    second = webhook(statuses=[status(NUMBER, "wamid.sent9", "read")])
    third = webhook(messages=[button_reply(NUMBER, "/deny")])
    payload = {
        "object": "whatsapp_business_account",
        "entry": [
            {"id": "1", "changes": first["entry"][0]["changes"] + second["entry"][0]["changes"]},
            third["entry"][0],
        ],
    }
    events = read(payload)
    assert [m.text for m in events.messages] == ["one", "two", "/deny"]
    assert [m.number for m in events.messages] == [NUMBER, "60123456789", NUMBER]
    assert [(s.status, s.message_id) for s in events.statuses] == [("read", "wamid.sent9")]


def test_messages_for_another_business_number_are_ignored():
    events = read(webhook(messages=[text_message(NUMBER, "hi")], phone_number_id="999"))
    assert events.messages == () and events.ignored == 1


@pytest.mark.parametrize(
    "payload",
    [
        None,
        [],
        "text",
        {"object": "page", "entry": []},
        {"object": "whatsapp_business_account"},
        {"object": "whatsapp_business_account", "entry": "x"},
        {"object": "whatsapp_business_account", "entry": [{"changes": [{"value": 3}]}]},
        {
            "object": "whatsapp_business_account",
            "entry": [{"changes": [{"value": {"messages": [1, {"type": "text"}]}}]}],
        },
    ],
)
def test_malformed_bodies_read_as_nothing(payload):
    events = read_webhook(payload, LIMIT)
    assert events.empty


# --- statuses ---------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["sent", "delivered", "read"])
def test_status_callbacks_are_read_as_statuses_not_messages(value):
    events = read(webhook(statuses=[status(NUMBER, "wamid.sent1", value)]))
    assert events.messages == ()
    (update,) = events.statuses
    assert (update.message_id, update.number, update.status) == ("wamid.sent1", NUMBER, value)
    assert update.error_codes == ()


def test_a_failed_status_carries_metas_error_codes():
    (update,) = read(webhook(statuses=[status(NUMBER, "wamid.sent2", "failed")])).statuses
    assert update.status == "failed"
    assert update.error_codes == (131047,)


def test_an_unknown_status_is_ignored():
    events = read(webhook(statuses=[{**status(NUMBER, "wamid.x"), "status": "exploded"}]))
    assert events.statuses == () and events.ignored == 1


# --- conversation ids -------------------------------------------------------------------


def test_the_conversation_id_is_the_number_as_digits_under_the_wa_prefix():
    assert conversation_id("+60 12-345 6789") == "wa:60123456789"
    assert number_of("wa:60123456789") == "60123456789"


@pytest.mark.parametrize("sender", ["wa:60123456789", "WA:1", " wa:1", "\uff57\uff41:1"])
def test_the_web_channel_refuses_a_whatsapp_conversation(sender):
    assert is_reserved_sender(normalise_sender(sender))
    with pytest.raises(InvalidRequest) as refused:
        parse_request(json.dumps({"sender": sender, "message": "hi"}).encode(), LIMIT)
    assert (refused.value.status, refused.value.error) == (400, "invalid_sender")


# --- signature and handshake -----------------------------------------------------------


def test_the_signature_is_the_hmac_sha256_of_the_raw_body():
    body = b'{"object":"whatsapp_business_account"}'
    header = "sha256=" + hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
    assert sign(body, SECRET) == header
    assert valid_signature(body, header, SECRET)
    assert valid_signature(body, header.upper().replace("SHA256=", "sha256="), SECRET)


@pytest.mark.parametrize(
    "header",
    [None, "", "sha256=", "sha1=abc", "sha256=" + "0" * 64, "not-a-signature"],
)
def test_a_missing_or_wrong_signature_is_refused(header):
    assert not valid_signature(b"{}", header, SECRET)


def test_a_body_changed_after_signing_is_refused():
    header = sign(b'{"a": 1}', SECRET)
    assert not valid_signature(b'{"a": 2}', header, SECRET)
    assert not valid_signature(b'{"a": 1}', header, "another-secret")
    assert not valid_signature(b'{"a": 1}', header, "")


def test_the_handshake_echoes_the_challenge_with_the_right_token():
    params = {"hub.mode": "subscribe", "hub.verify_token": "tok", "hub.challenge": "1158201444"}
    assert verification_challenge(params, "tok") == "1158201444"


@pytest.mark.parametrize(
    ("params", "token"),
    [
        ({"hub.mode": "subscribe", "hub.verify_token": "bad", "hub.challenge": "1"}, "tok"),
        ({"hub.mode": "unsubscribe", "hub.verify_token": "tok", "hub.challenge": "1"}, "tok"),
        ({"hub.verify_token": "tok", "hub.challenge": "1"}, "tok"),
        ({"hub.mode": "subscribe", "hub.verify_token": "tok", "hub.challenge": ""}, "tok"),
        ({"hub.mode": "subscribe", "hub.verify_token": "", "hub.challenge": "1"}, None),
        ({"hub.mode": "subscribe", "hub.verify_token": "tok", "hub.challenge": "x" * 500}, "tok"),
    ],
)
def test_the_handshake_is_refused_otherwise(params, token):
    assert verification_challenge(params, token) is None


# --- replies out ------------------------------------------------------------------------


def test_a_text_payload_follows_the_graph_api():
    assert text_payload("+60 12 345", "Hello") == {
        "messaging_product": "whatsapp",
        "recipient_type": "individual",
        "to": "6012345",
        "type": "text",
        "text": {"preview_url": False, "body": "Hello"},
    }


YES_NO = [{"title": "Yes, send it", "payload": "/affirm"}, {"title": "Cancel", "payload": "/deny"}]
LEVELS = [
    {"title": title, "payload": title}
    for title in (
        "None yet",
        "Open Water",
        "Advanced Open Water",
        "Rescue Diver",
        "Divemaster or instructor (professional level)",
    )
]


def test_up_to_three_buttons_become_reply_buttons():
    (message,) = reply_payloads(NUMBER, "Shall I send it?", YES_NO)
    interactive = message["interactive"]
    assert message["type"] == "interactive" and interactive["type"] == "button"
    assert interactive["body"] == {"text": "Shall I send it?"}
    assert interactive["action"]["buttons"] == [
        {"type": "reply", "reply": {"id": "/affirm", "title": "Yes, send it"}},
        {"type": "reply", "reply": {"id": "/deny", "title": "Cancel"}},
    ]


def test_a_long_button_title_is_shortened_but_the_id_keeps_the_payload():
    button = {"title": "Yes, please share them with the centre", "payload": "/affirm"}
    (reply,) = buttons_payload(NUMBER, "Share?", [button])["interactive"]["action"]["buttons"]
    assert len(reply["reply"]["title"]) <= MAX_BUTTON_TITLE_CHARS
    assert reply["reply"]["id"] == "/affirm"


def test_four_to_ten_buttons_become_a_list_message():
    (message,) = reply_payloads(NUMBER, "Your certification level?", LEVELS)
    interactive = message["interactive"]
    assert interactive["type"] == "list"
    (section,) = interactive["action"]["sections"]
    rows = section["rows"]
    assert [row["id"] for row in rows] == [button["payload"] for button in LEVELS]
    assert all(len(row["title"]) <= MAX_LIST_ROW_TITLE_CHARS for row in rows)
    # A shortened title keeps its whole text in the description.
    assert rows[-1]["description"] == LEVELS[-1]["title"]
    assert len(interactive["action"]["button"]) <= 20


def test_list_payload_keeps_at_most_ten_rows():
    buttons = [{"title": f"Choice {n}", "payload": f"c{n}"} for n in range(10)]
    rows = list_payload(NUMBER, "Pick", buttons)["interactive"]["action"]["sections"][0]["rows"]
    assert len(rows) == 10


def list_rows(message):
    return message["interactive"]["action"]["sections"][0]["rows"]


def test_a_summary_with_more_than_ten_choices_keeps_every_choice_tappable():
    # Confirm, twelve "Edit" rows and cancel: the trip summary at its longest.
    edits = [f"Edit field {n}" for n in range(12)]
    buttons = [
        {"title": "Yes, send it", "payload": "/affirm"},
        *({"title": title, "payload": title.lower()} for title in edits),
        {"title": "Cancel", "payload": "/stop"},
    ]
    messages = reply_payloads(NUMBER, "Here's what I'll send: ... Shall I send it?", buttons)
    assert [m["interactive"]["type"] for m in messages] == ["list", "list"]
    assert messages[0]["interactive"]["body"]["text"].endswith("Shall I send it?")
    assert messages[1]["interactive"]["body"]["text"] == "More choices:"
    rows = [row for message in messages for row in list_rows(message)]
    assert all(len(list_rows(message)) <= MAX_LIST_ROWS for message in messages)
    assert [row["id"] for row in rows] == [button["payload"] for button in buttons]


def test_twenty_one_choices_take_three_list_messages():
    buttons = [{"title": f"Site {n}", "payload": f"s{n}"} for n in range(21)]
    messages = reply_payloads(NUMBER, "Which site?", buttons)
    assert [len(list_rows(message)) for message in messages] == [10, 10, 1]


def test_titles_shortened_to_the_same_text_stay_distinct():
    buttons = [
        {"title": "Advanced Open Water course in May", "payload": "a"},
        {"title": "Advanced Open Water course in June", "payload": "b"},
    ]
    replies = buttons_payload(NUMBER, "Which?", buttons)["interactive"]["action"]["buttons"]
    titles = [reply["reply"]["title"] for reply in replies]
    assert len(set(titles)) == 2 and all(len(t) <= MAX_BUTTON_TITLE_CHARS for t in titles)


def test_an_over_long_payload_is_replaced_by_the_title():
    button = {"title": "Tell me more", "payload": "x" * 300}
    (reply,) = buttons_payload(NUMBER, "?", [button])["interactive"]["action"]["buttons"]
    assert reply["reply"]["id"] == "Tell me more"


SENTENCE = "Divers breathe slowly and never hold their breath on the way up. "
LONG_REPLY = SENTENCE * 150  # ~9,800 characters


def test_buttons_go_under_the_last_part_of_a_long_text():
    messages = reply_payloads(NUMBER, LONG_REPLY + "Shall I go on?", YES_NO)
    assert [m["type"] for m in messages][-1] == "interactive"
    assert all(m["type"] == "text" for m in messages[:-1])
    body = messages[-1]["interactive"]["body"]["text"]
    assert len(body) <= MAX_INTERACTIVE_BODY_CHARS


def test_a_last_part_too_long_for_an_interactive_body_is_sent_as_text_first():
    text = "word " * 400  # 2,000 characters in one part
    messages = reply_payloads(NUMBER, text, YES_NO)
    assert [m["type"] for m in messages] == ["text", "interactive"]
    assert messages[-1]["interactive"]["body"]["text"] == BUTTONS_ONLY_TEXT


def test_buttons_without_text_get_a_body():
    (message,) = reply_payloads(NUMBER, "", YES_NO)
    assert message["interactive"]["body"]["text"] == BUTTONS_ONLY_TEXT


# --- splitting long replies -------------------------------------------------------------


def test_a_short_text_is_one_message():
    assert split_text("Hello diver!") == ["Hello diver!"]


def test_an_empty_text_is_no_message():
    assert split_text("  \n ") == []


def test_every_chunk_of_a_long_text_fits_whatsapps_limit_and_ends_a_sentence():
    chunks = split_text(LONG_REPLY)
    assert len(chunks) == 3
    assert all(0 < len(chunk) <= WHATSAPP_MAX_MESSAGE_CHARS for chunk in chunks)
    assert all(chunk.endswith(".") for chunk in chunks)
    assert "".join(chunks).replace(" ", "") == LONG_REPLY.replace(" ", "")


def test_a_text_is_cut_at_a_line_break_when_there_is_no_sentence_end():
    text = ("line without a stop\n" * 300).strip()
    chunks = split_text(text)
    assert all(len(chunk) <= WHATSAPP_MAX_MESSAGE_CHARS for chunk in chunks)
    assert all(chunk.endswith("stop") for chunk in chunks)


def test_a_text_without_spaces_is_cut_at_the_limit():
    chunks = split_text("x" * 9000)
    assert [len(chunk) for chunk in chunks] == [4096, 4096, 808]


def test_a_text_of_exactly_the_limit_is_one_message():
    assert split_text("y" * WHATSAPP_MAX_MESSAGE_CHARS) == ["y" * WHATSAPP_MAX_MESSAGE_CHARS]


# --- duplicates and the 24-hour window -------------------------------------------------


def test_a_message_id_seen_before_is_reported_as_a_duplicate():
    recent = RecentIds(size=2)
    assert not recent.seen("a")
    assert recent.seen("a")
    assert not recent.seen("b")
    assert not recent.seen("c")  # "a" was the least recently seen: forgotten
    assert not recent.seen("a")


def test_the_service_window_is_open_for_24_hours_after_the_last_message():
    windows = ServiceWindows()
    assert not windows.is_open(NUMBER, 1_000_000)
    windows.record(NUMBER, 1_000_000)
    assert windows.is_open(f"+{NUMBER}", 1_000_000 + 23 * 3600)
    assert not windows.is_open(NUMBER, 1_000_000 + 24 * 3600)
    # An older message delivered late does not shorten the window.
    windows.record(NUMBER, 900_000)
    assert windows.is_open(NUMBER, 1_000_000 + 3600)
