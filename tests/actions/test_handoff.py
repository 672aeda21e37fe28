"""Asking for a person: the open question picked up, the enquiry replaced, the handoff's fields."""

import asyncio

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.handoff import ActionStartHandoff, ValidateHandoffForm, open_question


def user(text, intent="ask_diving_question"):
    return {"event": "user", "text": text, "parse_data": {"intent": {"name": intent}}}


def bot(text, utter_action=None):
    return {
        "event": "bot",
        "text": text,
        "metadata": {"utter_action": utter_action} if utter_action else {},
    }


def action(name):
    return {"event": "action", "name": name}


ASK_PERSON = user("can I ask a real person then", "request_human")
REFUSAL = "I don't have that in my guides, so I won't guess."


def test_a_question_the_guides_could_not_answer_is_the_open_question():
    events = [
        user("do the boats to the island leave on public holidays?", "ask_destination"),
        action("action_answer_question"),
        bot(REFUSAL, "utter_no_knowledge"),
        ASK_PERSON,
    ]
    assert open_question(events) == "do the boats to the island leave on public holidays?"


def test_a_refusal_recognised_by_its_words_counts_without_the_response_name():
    events = [
        user("which dive shop has the cheapest nitrox fills", "ask_diving_question"),
        bot(REFUSAL),
        user("what is open water?", "ask_certification"),
        bot("Open Water is the first full certification..."),
        ASK_PERSON,
    ]
    # The unanswered message wins over a later question that was answered.
    assert open_question(events) == "which dive shop has the cheapest nitrox fills"


def test_a_message_the_nlu_could_not_place_is_the_open_question():
    events = [
        user("my regulator free flows at depth sometimes", "nlu_fallback"),
        bot("..."),
        ASK_PERSON,
    ]
    assert open_question(events) == "my regulator free flows at depth sometimes"


def test_without_a_refusal_the_last_question_asked_is_the_open_question():
    events = [
        user("how long is the open water course", "ask_certification"),
        bot("About three to four days."),
        user("thanks", "thanks"),
        bot("You're welcome!"),
        ASK_PERSON,
    ]
    assert open_question(events) == "how long is the open water course"


def test_greetings_requests_and_form_answers_are_not_questions():
    events = [
        user("hello there", "greet"),
        user("book me a dive trip", "request_trip_lead"),
        {"event": "active_loop", "name": "trip_form"},
        user("Aiko Tanaka is my name", "ask_dive_site"),
        user("/affirm", "affirm"),
        ASK_PERSON,
    ]
    assert open_question(events) is None


def test_a_question_answered_in_the_middle_of_a_form_counts():
    events = [
        user("book me a dive trip", "request_trip_lead"),
        {"event": "active_loop", "name": "trip_form"},
        user("do the centres there rent dive computers?", "ask_diving_question"),
        action("action_answer_question"),
        bot("Most centres rent computers."),
        user("Aiko Tanaka", "inform_profile"),
        ASK_PERSON,
    ]
    assert open_question(events) == "do the centres there rent dive computers?"


def test_the_request_for_a_person_itself_is_never_the_question():
    assert open_question([user("is there a person I can speak to?", "request_human")]) is None


def test_a_long_question_is_cut_to_a_readable_length():
    events = [user("why " * 300 + "?", "ask_diving_question"), bot(REFUSAL), ASK_PERSON]
    assert len(open_question(events)) == 500


def start(domain, events, slots=None, active_loop=None):
    tracker = Tracker(
        "test-diver",
        slots or {},
        events[-1]["parse_data"],
        events,
        False,
        None,
        {"name": active_loop} if active_loop else {},
        "action_listen",
    )
    dispatcher = CollectingDispatcher()
    result = asyncio.run(ActionStartHandoff().run(dispatcher, tracker, domain))
    return {e["name"]: e.get("value") for e in result if e["event"] == "slot"}, result, dispatcher


def test_the_handoff_replaces_an_enquiry_and_keeps_its_name_and_email(domain):
    events = [
        user("are there sharks at the north reef?", "ask_dive_site"),
        bot(REFUSAL, "utter_no_knowledge"),
        user("book me a dive trip", "request_trip_lead"),
        {"event": "active_loop", "name": "trip_form"},
        user("Aiko Tanaka", "inform_profile"),
        ASK_PERSON,
    ]
    slots = {"lead_name": "Aiko Tanaka", "lead_email": "aiko@example.com", "group_size": "2"}
    set_slots, result, dispatcher = start(domain, events, slots, active_loop="trip_form")
    assert any(e["event"] == "active_loop" and e["name"] is None for e in result)
    assert set_slots["handoff_question"] == "are there sharks at the north reef?"
    assert "lead_name" not in set_slots and "lead_email" not in set_slots
    assert set_slots["group_size"] is None and set_slots["lead_confirmed"] is None
    assert "are there sharks at the north reef?" in dispatcher.messages[-1]["text"]


def test_a_fresh_handoff_without_a_question_leaves_it_to_be_asked(domain):
    set_slots, _, dispatcher = start(domain, [ASK_PERSON], {"lead_name": "Old Name"})
    assert set_slots["handoff_question"] is None
    assert set_slots["lead_name"] is None  # no enquiry open: nothing is carried over
    assert dispatcher.messages == []


def test_the_handoff_question_must_say_something(make_tracker, domain):
    form = ValidateHandoffForm()
    dispatcher = CollectingDispatcher()
    tracker = make_tracker("x")
    assert form.validate_handoff_question("?", dispatcher, tracker, domain) == {
        "handoff_question": None
    }
    assert dispatcher.messages[0]["response"] == "utter_invalid_handoff_question"
    assert form.validate_handoff_question(
        "  can I dive with  contact lenses ", dispatcher, tracker, domain
    ) == {"handoff_question": "can I dive with contact lenses"}


def test_the_handoff_asks_for_a_centre_only_where_there_is_a_choice(make_tracker, domain):
    form = ValidateHandoffForm()
    fields = domain["forms"]["handoff_form"]["required_slots"]
    without = make_tracker("x", slots={"destination": None})
    asked = asyncio.run(form.required_slots(fields, CollectingDispatcher(), without, domain))
    assert "dive_centre" not in asked and asked[0] == "handoff_question"


def test_no_other_form_slot_is_filled_by_a_request_for_a_person(domain):
    # "can I talk to a human" must never become a name, a date or a question.
    for slot, spec in domain["slots"].items():
        for mapping in spec.get("mappings", []):
            if mapping["type"] == "from_text":
                assert "request_human" in mapping.get("not_intent", []), slot


def test_the_handoff_form_fills_only_its_own_slots(domain):
    fields = set(domain["forms"]["handoff_form"]["required_slots"])
    for slot, spec in domain["slots"].items():
        for mapping in spec.get("mappings", []):
            loops = {c.get("active_loop") for c in mapping.get("conditions", [])}
            if "handoff_form" in loops:
                assert slot in fields, slot


def test_a_plain_yes_answers_the_trip_course_question(domain):
    mappings = domain["slots"]["trip_course"]["mappings"]
    yes = [m for m in mappings if m["type"] == "from_intent" and m["intent"] == "affirm"]
    assert yes and yes[0]["value"] == "yes"
    assert yes[0]["conditions"] == [{"active_loop": "trip_form", "requested_slot": "trip_course"}]
