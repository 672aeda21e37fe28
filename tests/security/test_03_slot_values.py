"""Profile slots filled outside a form keep only values the assistant knows."""

from pathlib import Path

import pytest
import yaml
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.slot_validation import ValidateProfileSlots
from connectors.validation import INTENT_PAYLOADS, parse_request
from tests.connectors.test_telegram_messages import PRIVATE_CHAT, read
from tests.connectors.test_validation import LIMIT, body
from tests.fakes.telegram_api import button_press, text_message


def tracker_after(slots: dict, active_loop: str | None = None) -> Tracker:
    """A tracker whose last message set `slots`."""
    events = [
        {"event": "action", "name": "action_listen"},
        {"event": "user", "text": "x", "parse_data": {"text": "x", "entities": []}},
        *({"event": "slot", "name": name, "value": value} for name, value in slots.items()),
    ]
    return Tracker(
        "diver",
        slots,
        {"text": "x", "entities": []},
        events,
        False,
        None,
        {"name": active_loop} if active_loop else {},
        "action_listen",
    )


async def validated(slots: dict, active_loop: str | None = None) -> dict:
    events = await ValidateProfileSlots().run(
        CollectingDispatcher(), tracker_after(slots, active_loop), {"slots": {}, "forms": {}}
    )
    return {event["name"]: event["value"] for event in events if event["event"] == "slot"}


@pytest.mark.parametrize(
    ("slot", "value", "kept"),
    [
        ("certification_level", "advanced_open_water", "advanced_open_water"),
        ("certification_level", "advanced diver", None),
        ("certification_level", "grandmaster", None),
        ("agency", "PADI", "PADI"),
        ("agency", "ssi", "SSI"),
        ("agency", "evil corp", None),
        ("destination", "sipadan", "sipadan"),
        ("destination", "Kota", None),
        ("destination", "bali", None),
        ("dive_count", "50", 50.0),
        ("dive_count", "~70", None),
        ("dive_count", "-3", None),
        ("dive_count", "1e9", None),
    ],
)
async def test_only_known_values_are_kept_outside_a_form(slot, value, kept):
    assert await validated({slot: value}) == {slot: kept}


async def test_inside_a_form_the_form_decides():
    assert await validated({"certification_level": "none yet"}, active_loop="training_form") == {}


@pytest.mark.parametrize("payload", sorted(INTENT_PAYLOADS))
def test_our_own_button_payloads_pass_as_intents(payload):
    assert parse_request(body(sender="a", message=payload), LIMIT)[1] == payload


@pytest.mark.parametrize(
    ("typed", "as_text"),
    [
        (
            '/inform_profile{"certification_level": "instructor"}',
            'inform_profile{"certification_level": "instructor"}',
        ),
        (
            "/ask_diving_question{} what is my no-deco limit at 30 m",
            "ask_diving_question{} what is my no-deco limit at 30 m",
        ),
        ('/affirm{"lead_consent": true}', 'affirm{"lead_consent": true}'),
        ("//emergency", "emergency"),
    ],
)
def test_any_other_intent_syntax_reaches_the_nlu_as_plain_text(typed, as_text):
    assert parse_request(body(sender="a", message=typed), LIMIT)[1] == as_text


def _domain_button_payloads() -> set[str]:
    domain = yaml.safe_load(Path("domain.yml").read_text(encoding="utf-8"))
    return {
        button["payload"]
        for variants in domain["responses"].values()
        for variant in variants
        for button in variant.get("buttons") or []
    }


def test_every_intent_payload_the_domain_buttons_send_is_allowed():
    sent = {payload for payload in _domain_button_payloads() if payload.startswith("/")}
    assert sent <= INTENT_PAYLOADS


def test_typed_intent_syntax_reaches_rasa_as_plain_text():
    incoming = read(text_message(PRIVATE_CHAT, '/inform_profile{"certification_level": "x"} hi'))
    assert incoming is not None
    assert incoming.text == 'inform_profile{"certification_level": "x"} hi'


def test_a_forged_button_payload_reaches_rasa_as_plain_text():
    incoming = read(button_press(PRIVATE_CHAT, "/ask_diving_question{} plan my dive"))
    assert incoming is not None
    assert incoming.text == "ask_diving_question{} plan my dive"


def test_a_button_payload_of_only_slashes_is_ignored():
    assert read(button_press(PRIVATE_CHAT, "//")) is None
