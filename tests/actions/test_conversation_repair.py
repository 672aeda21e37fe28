"""Corrections, "go back" and resuming inside the enquiry forms (the form's validation)."""

from typing import Any

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.conversation_repair import ASK_ACTIONS, ActionNothingToCorrect, edit_buttons
from actions.lead_forms import ValidateTrainingForm, ValidateTripForm
from dovvybuddy.leads.trip_details import TRIP_DETAIL_FIELDS

ANSWERED = {
    "lead_name": "Ana Lim",
    "lead_email": "ana@example.com",
    "lead_phone": "+60123456789",
    "destination": "tioman",
    "preferred_dates": "2027-05-01/2027-05-10",
}


def form_turn(
    text: str, asked: str, answered: dict[str, Any], intent: str = "correct_field"
) -> Tracker:
    """The trip form's validation as Rasa calls it: earlier answers, the question
    asked, then the diver's message and the form's candidate for that question."""
    events: list[dict[str, Any]] = []
    for slot, value in answered.items():
        events.append({"event": "slot", "name": "requested_slot", "value": slot})
        events.append({"event": "slot", "name": slot, "value": value})
    events.append({"event": "slot", "name": "requested_slot", "value": asked})
    parse = {"text": text, "intent": {"name": intent, "confidence": 0.9}, "entities": []}
    events += [
        {"event": "action", "name": "action_listen"},
        {"event": "user", "text": text, "parse_data": parse},
        {"event": "slot", "name": asked, "value": text},
    ]
    return Tracker(
        sender_id="diver",
        slots={**answered, "requested_slot": asked, asked: text},
        latest_message=parse,
        events=events,
        paused=False,
        followup_action=None,
        active_loop={"name": "trip_form"},
        latest_action_name="action_listen",
    )


async def run_form(tracker: Tracker, domain: dict) -> tuple[dict[str, Any], list[str]]:
    """The slots the validation set, with `requested_slot` the question the form asks next."""
    dispatcher = CollectingDispatcher()
    events = await ValidateTripForm().run(dispatcher, tracker, domain)
    slots = {e["name"]: e["value"] for e in events if e.get("event") == "slot"}
    if "requested_slot" not in slots:
        # Rasa's form asks the first field of the form that is still empty.
        now = {**tracker.slots, **slots}
        fields = domain["forms"]["trip_form"]["required_slots"]
        slots["requested_slot"] = next(f for f in fields if now.get(f) is None)
    return slots, [m.get("text") or m.get("response") for m in dispatcher.messages]


async def test_a_correction_of_an_earlier_field_replaces_it_and_asks_the_same_question(domain):
    tracker = form_turn("change my name to Thomas Reyes", "group_size", ANSWERED)
    slots, said = await run_form(tracker, domain)
    assert slots["lead_name"] == "Thomas Reyes"
    assert slots["group_size"] is None  # the message was not a group size
    assert slots["requested_slot"] == "group_size"
    assert said == ["Updated your name to Thomas Reyes."]


async def test_a_correction_at_the_summary_shows_the_summary_again(domain):
    answered = {
        **ANSWERED,
        "group_size": 3,
        "certification_level": "open_water",
        "dive_count": 10.0,
    }
    answered |= {"interests": "", "lead_message": "", "lead_consent": True}
    answered |= dict.fromkeys(TRIP_DETAIL_FIELDS, "") | {"dive_centre": "any"}
    tracker = form_turn("actually my email is ana.lim@example.org", "lead_confirmed", answered)
    slots, said = await run_form(tracker, domain)
    assert slots["lead_email"] == "ana.lim@example.org"
    assert slots["lead_confirmed"] is None
    assert slots["requested_slot"] == "lead_confirmed"
    assert said == ["Updated your email to ana.lim@example.org."]


async def test_a_field_not_asked_yet_is_stored_and_not_asked(domain):
    answered = {k: ANSWERED[k] for k in ("lead_name", "lead_email")}
    tracker = form_turn("oh and actually it's 4 of us", "lead_phone", answered)
    slots, said = await run_form(tracker, domain)
    assert slots["group_size"] == 4
    assert slots["requested_slot"] == "lead_phone"
    assert said == ["Updated your group size to 4 people."]


async def test_a_failed_correction_says_why_and_keeps_the_old_value(domain):
    tracker = form_turn("change my email to ana at gmail", "group_size", ANSWERED)
    slots, said = await run_form(tracker, domain)
    assert "lead_email" not in slots or slots["lead_email"] == "ana@example.com"
    assert "complete email address" in said[0] and "kept ana@example.com" in said[0]
    assert slots["requested_slot"] == "group_size"


async def test_an_uncovered_destination_is_refused_and_the_old_one_kept(domain):
    tracker = form_turn("change the destination to Bali", "group_size", ANSWERED)
    slots, said = await run_form(tracker, domain)
    assert slots.get("destination", "tioman") == "tioman"
    assert "don't cover Bali" in said[0]


async def test_go_back_reasks_the_previous_field_with_its_value(domain):
    tracker = form_turn("wait, go back", "group_size", ANSWERED, intent="go_back")
    slots, said = await run_form(tracker, domain)
    assert said == []  # the question itself shows the current value
    assert slots["preferred_dates"] is None
    assert slots["lead_repair"] == {
        "field": "preferred_dates",
        "value": "2027-05-01/2027-05-10",
    }
    assert slots["requested_slot"] == "preferred_dates"
    ask = next(a for a in ASK_ACTIONS if a().name() == "action_ask_preferred_dates")()
    dispatcher = CollectingDispatcher()
    after = Tracker.from_dict(
        {"sender_id": "diver", "slots": slots, "events": [], "latest_message": {}}
    )
    await ask.run(dispatcher, after, domain)
    assert "dates are currently 1-10 May 2027" in dispatcher.messages[0]["text"]


async def test_keep_it_after_going_back_restores_the_old_value(domain):
    answered = {**ANSWERED, "preferred_dates": None}
    answered["lead_repair"] = {"field": "preferred_dates", "value": "2027-05-01/2027-05-10"}
    tracker = form_turn("keep it", "preferred_dates", answered, intent="affirm")
    slots, said = await run_form(tracker, domain)
    assert slots["preferred_dates"] == "2027-05-01/2027-05-10"
    assert slots["lead_repair"] is None
    assert "kept your dates" in said[0]


async def test_an_ordinary_answer_is_validated_as_before(domain):
    tracker = form_turn(
        "my email is bea@example.com", "lead_email", {"lead_name": "Bea"}, "inform_profile"
    )
    slots, said = await run_form(tracker, domain)
    assert slots["lead_email"] == "bea@example.com"
    assert said == []


async def test_after_a_digression_the_question_is_asked_in_one_short_line(domain):
    ask = next(a for a in ASK_ACTIONS if a().name() == "action_ask_lead_email")()
    tracker = Tracker.from_dict(
        {
            "sender_id": "diver",
            "slots": {},
            "events": [{"event": "action", "name": "action_answer_question"}],
            "latest_message": {},
            "latest_action_name": "action_answer_question",
        }
    )
    dispatcher = CollectingDispatcher()
    await ask.run(dispatcher, tracker, domain)
    assert dispatcher.messages[0]["text"] == (
        "Back to your enquiry: What email address should the dive centre use?"
    )


async def test_the_first_time_a_question_is_asked_in_full(domain):
    ask = next(a for a in ASK_ACTIONS if a().name() == "action_ask_trip_form_certification_level")()
    tracker = Tracker.from_dict({"sender_id": "d", "slots": {}, "events": [], "latest_message": {}})
    dispatcher = CollectingDispatcher()
    await ask.run(dispatcher, tracker, domain)
    assert dispatcher.messages[0]["response"] == "utter_ask_trip_form_certification_level"


def test_the_summary_has_an_edit_button_per_given_field():
    tracker = Tracker.from_dict(
        {
            "sender_id": "d",
            "slots": {"lead_email": "a@example.com", "preferred_dates": "x"},
            "events": [],
        }
    )
    buttons = edit_buttons(tracker, ["lead_name", "lead_email", "preferred_dates"])
    assert buttons == [
        {"title": "Edit email", "payload": "edit email"},
        {"title": "Edit dates", "payload": "edit dates"},
    ]


async def test_a_course_named_in_the_opening_is_the_course_not_the_divers_level(domain):
    text = "can someone contact me about an open water course in tioman"
    parse = {"text": text, "intent": {"name": "request_training_lead", "confidence": 0.9}}
    tracker = Tracker(
        sender_id="diver",
        slots={"certification_level": "open_water", "destination": "tioman"},
        latest_message={**parse, "entities": []},
        events=[
            {"event": "action", "name": "action_listen"},
            {"event": "user", "text": text, "parse_data": parse},
            {"event": "slot", "name": "certification_level", "value": "open_water"},
            {"event": "slot", "name": "destination", "value": "tioman"},
        ],
        paused=False,
        followup_action=None,
        active_loop={"name": "training_form"},
        latest_action_name="action_listen",
    )
    events = await ValidateTrainingForm().run(CollectingDispatcher(), tracker, domain)
    slots = {e["name"]: e["value"] for e in events if e.get("event") == "slot"}
    assert slots["course_of_interest"] == "open_water"
    assert slots["certification_level"] is None  # asked later, not taken from the course


async def test_a_new_answer_after_going_back_is_said_back(domain):
    answered = {**ANSWERED, "preferred_dates": None}
    answered["lead_repair"] = {"field": "preferred_dates", "value": "2027-05-01/2027-05-10"}
    tracker = form_turn("mid July 2027", "preferred_dates", answered, intent="inform")
    slots, said = await run_form(tracker, domain)
    assert slots["preferred_dates"] == "2027-07-11/2027-07-20"
    assert slots["lead_repair"] is None
    assert said == ["Updated your dates to 11-20 Jul 2027."]


def outside_an_enquiry(text: str, intent: str, confidence: float) -> Tracker:
    parse = {"text": text, "intent": {"name": intent, "confidence": confidence}, "entities": []}
    return Tracker(
        sender_id="diver",
        slots={},
        latest_message=parse,
        events=[{"event": "user", "text": text, "parse_data": parse}],
        paused=False,
        followup_action=None,
        active_loop={},
        latest_action_name="action_listen",
    )


@pytest.mark.parametrize(
    ("text", "intent", "confidence"),
    [
        ("change my email to sam.t@example.com", "correct_field", 0.55),
        ("sorry i meant Redang", "correct_field", 0.6),
        ("wait, i made a mistake", "correct_field", 0.95),
        ("can we go back a step", "go_back", 0.6),
    ],
)
async def test_a_correction_with_no_enquiry_open_has_nothing_to_change(text, intent, confidence):
    dispatcher = CollectingDispatcher()
    events = await ActionNothingToCorrect().run(
        dispatcher, outside_an_enquiry(text, intent, confidence), {}
    )
    assert events == []
    assert [m.get("response") for m in dispatcher.messages] == ["utter_nothing_to_correct"]


async def test_a_guessed_correction_naming_no_field_is_answered_as_a_question():
    dispatcher = CollectingDispatcher()
    tracker = outside_an_enquiry(
        "Can you write my essay on climate change, 1000 words", "correct_field", 0.54
    )
    events = await ActionNothingToCorrect().run(dispatcher, tracker, {})
    assert events == [{"event": "followup", "name": "action_answer_question", "timestamp": None}]
    assert dispatcher.messages == []


async def test_go_back_from_the_destination_question_asks_the_previous_field(domain):
    # The destination is asked first when it is the open question; going back from it
    # must still reach the field before it.
    answered = {k: ANSWERED[k] for k in ("lead_name", "lead_email", "lead_phone")}
    tracker = form_turn("go back to the previous question please", "destination", answered)
    slots, _ = await run_form(tracker, domain)
    assert slots["lead_phone"] is None
    assert slots["lead_repair"] == {"field": "lead_phone", "value": "+60123456789"}
    assert slots["requested_slot"] == "lead_phone"


async def test_a_group_size_corrected_within_the_answer_is_said_back(domain):
    answered = {**ANSWERED}
    tracker = form_turn("no wait, 3 people... sorry make it 6", "group_size", answered, "inform")
    slots, said = await run_form(tracker, domain)
    assert slots["group_size"] == 6
    assert said == ["Got it: 6 people."]
