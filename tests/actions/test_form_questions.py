"""A question in the middle of an enquiry goes to the rules; an answer the NLU
took for a question is validated as the answer."""

from typing import Any

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.form_questions import asks_something, name_like
from actions.lead_forms import ValidateTripForm

ANSWERED = {
    "lead_name": "Ana Lim",
    "lead_email": "ana@example.com",
    "lead_phone": "+60123456789",
}


def form_turn(
    text: str,
    asked: str,
    intent: str,
    extracted: dict[str, Any],
    entities: list[dict[str, Any]] = (),
    answered: dict[str, Any] = ANSWERED,
) -> Tracker:
    """The trip form's validation as Rasa calls it after the NLU and the slot mappings."""
    events: list[dict[str, Any]] = []
    for slot, value in answered.items():
        events.append({"event": "slot", "name": "requested_slot", "value": slot})
        events.append({"event": "slot", "name": slot, "value": value})
    events.append({"event": "slot", "name": "requested_slot", "value": asked})
    parse = {"text": text, "intent": {"name": intent, "confidence": 0.9}, "entities": entities}
    events += [
        {"event": "action", "name": "action_listen"},
        {"event": "user", "text": text, "parse_data": parse},
        # Rasa marks the form's run in the tracker its validation gets, then
        # adds what the slot mappings extracted.
        {"event": "action", "name": "trip_form"},
        *({"event": "slot", "name": slot, "value": value} for slot, value in extracted.items()),
    ]
    return Tracker(
        sender_id="diver",
        slots={**answered, "requested_slot": asked, **extracted},
        latest_message=parse,
        events=events,
        paused=False,
        followup_action=None,
        active_loop={"name": "trip_form"},
        latest_action_name="trip_form",
    )


async def run_form(tracker: Tracker, domain: dict) -> tuple[list[dict[str, Any]], list[Any]]:
    dispatcher = CollectingDispatcher()
    events = await ValidateTripForm().run(dispatcher, tracker, domain)
    return events, dispatcher.messages


def rejected(events: list[dict[str, Any]]) -> bool:
    return any(e.get("event") == "action_execution_rejected" for e in events)


def slots(events: list[dict[str, Any]]) -> dict[str, Any]:
    return {e["name"]: e["value"] for e in events if e.get("event") == "slot"}


async def test_a_question_naming_a_place_while_the_destination_is_asked_is_handed_to_the_rules(
    domain,
):
    text = "is Redang good for turtles in June?"
    tracker = form_turn(
        text,
        "destination",
        "ask_destination",
        {"destination": text},
        [{"entity": "destination", "value": "redang"}],
    )
    events, said = await run_form(tracker, domain)
    assert rejected(events)
    assert slots(events)["destination"] is None  # not taken as the answer
    assert said == []


async def test_a_question_whose_place_filled_the_destination_is_handed_to_the_rules(domain):
    # The destination slot maps the entity whatever the form asks.
    text = "do I need the Advanced to dive Sipadan itself, or can I go as OW?"
    answered = {**ANSWERED, "destination": "sipadan"}
    tracker = form_turn(
        text,
        "preferred_dates",
        "ask_certification",
        {"destination": "sipadan"},
        [{"entity": "destination", "value": "sipadan"}],
        answered,
    )
    events, _ = await run_form(tracker, domain)
    assert rejected(events)
    assert slots(events)["destination"] == "sipadan"  # kept as it was


async def test_a_name_the_nlu_took_for_a_place_is_the_name(domain):
    text = "Wan Azlan"
    tracker = form_turn(
        text,
        "lead_name",
        "ask_destination",
        {"destination": "Azlan"},
        [{"entity": "destination", "value": "Azlan"}],
        answered={},
    )
    events, said = await run_form(tracker, domain)
    assert not rejected(events)
    assert slots(events)["lead_name"] == "Wan Azlan"
    assert slots(events)["destination"] is None
    assert not any(m.get("response") == "utter_destination_not_a_partner_area" for m in said)


async def test_a_date_answer_the_nlu_took_for_a_question_is_the_dates(domain):
    tracker = form_turn("Vesak Day long weekend", "preferred_dates", "ask_destination", {})
    events, _ = await run_form(tracker, domain)
    assert not rejected(events)
    assert "/" in slots(events)["preferred_dates"]


async def test_a_fear_is_not_taken_for_an_answer(domain):
    tracker = form_turn("I'm a bit scared of sharks", "interests", "express_fear", {})
    events, _ = await run_form(tracker, domain)
    assert rejected(events)


async def test_a_safety_message_is_never_taken_for_an_answer(domain):
    tracker = form_turn("my ears hurt since yesterday", "lead_message", "medical_question", {})
    events, _ = await run_form(tracker, domain)
    assert rejected(events)


async def test_an_ordinary_answer_goes_on_as_usual(domain):
    tracker = form_turn("Redang", "destination", "inform", {"destination": "Redang"})
    events, _ = await run_form(tracker, domain)
    assert not rejected(events)
    assert slots(events)["destination"] == "redang"


@pytest.mark.parametrize(
    ("text", "asks"),
    [
        ("is Redang good for turtles?", True),
        ("what about the currents at Sipadan", True),
        ("random q but are there sharks", True),
        ("Wan Azlan", False),
        ("Redang please", False),
    ],
)
def test_a_question_is_told_by_its_wording(text, asks):
    assert asks_something(text) is asks


async def test_the_form_resuming_after_the_answer_does_not_hand_the_question_over_again(domain):
    text = "is Redang good for turtles in June?"
    tracker = form_turn(text, "dive_count", "ask_destination", {})
    tracker.events += [
        {"event": "action", "name": "action_answer_question"},
        {"event": "action", "name": "trip_form"},
    ]
    events, _ = await run_form(tracker, domain)
    assert not rejected(events)


async def test_a_name_that_is_also_a_place_is_the_name(domain):
    tracker = form_turn(
        "Jordan Whitaker",
        "lead_name",
        "ask_destination",
        {"destination": "Jordan"},
        [{"entity": "destination", "value": "Jordan"}],
        answered={},
    )
    events, said = await run_form(tracker, domain)
    assert not rejected(events)
    assert slots(events)["lead_name"] == "Jordan Whitaker"
    assert said == []


@pytest.mark.parametrize(
    ("text", "is_name"),
    [
        ("Nur Aisyah binti Hamzah", True),
        ("Seán O'Brien", True),
        ("Park Ji-woo", True),
        ("I'm scared of sharks", False),
        ("what about Redang", False),
        ("call me at 0123", False),
    ],
)
def test_a_name_is_told_from_a_sentence(text, is_name):
    assert name_like(text) is is_name
