"""Profile slots filled outside a form keep only values the assistant knows."""

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.slot_validation import ValidateProfileSlots


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
