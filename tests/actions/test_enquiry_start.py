"""An unmistakable request for contact starts the enquiry, whichever action the NLU chose."""

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.answer_question import ActionAnswerQuestion
from actions.enquiry_start import enquiry_start, guessed_enquiry, other_enquiry
from actions.lead_forms import ValidateTripForm
from actions.profile import ActionNoteProfile
from actions.trip_matching import ActionMatchTrip


@pytest.mark.parametrize("action", [ActionAnswerQuestion, ActionMatchTrip, ActionNoteProfile])
async def test_a_request_for_contact_read_as_something_else_starts_the_form(
    action, make_tracker, domain
):
    tracker = make_tracker("could a dive shop ring me back about fun dives", "ask_diving_question")
    dispatcher = CollectingDispatcher()
    events = await action().run(dispatcher, tracker, domain)
    assert events == [{"event": "followup", "name": "trip_form", "timestamp": None}]
    assert dispatcher.messages == []


async def test_a_course_request_starts_the_training_form(make_tracker, domain):
    tracker = make_tracker("can someone get back to me about lessons", "ask_certification")
    events = await ActionAnswerQuestion().run(CollectingDispatcher(), tracker, domain)
    assert events[0]["name"] == "training_form"


async def test_a_safety_message_never_starts_a_form(make_tracker, domain):
    tracker = make_tracker("call me an ambulance, my buddy is not breathing", "emergency")
    assert enquiry_start(tracker) is None


def opened_by(text: str, intent: str, confidence: float) -> Tracker:
    parse = {"text": text, "intent": {"name": intent, "confidence": confidence}, "entities": []}
    return Tracker("diver", {}, parse, [], False, None, {}, "action_listen")


@pytest.mark.parametrize(
    ("text", "intent", "confidence", "guessed"),
    [
        ("planning sipadan trip nov, good time?", "request_trip_lead", 0.56, True),
        ("is redang ok for a first course in june?", "request_training_lead", 0.6, True),
        ("can a dive centre contact me about a Redang trip?", "request_trip_lead", 0.6, False),
        ("I want to book fun dives in Tioman", "request_trip_lead", 0.6, False),
        ("planning sipadan trip nov, good time?", "request_trip_lead", 0.9, False),
        ("what's the best month for Sipadan?", "ask_destination", 0.5, False),
    ],
)
def test_only_an_unsure_lead_guess_on_a_plain_question_is_answered_instead(
    text, intent, confidence, guessed
):
    assert guessed_enquiry(opened_by(text, intent, confidence)) is guessed


@pytest.mark.parametrize(
    ("text", "form", "other"),
    [
        (
            "please connect me with a dive centre for my Rescue course in June",
            "trip_form",
            "training_form",
        ),
        (
            "put me in touch with a shop, I need a refresher before my trip",
            "trip_form",
            "training_form",
        ),
        ("I'm AOW, put me in touch with a dive shop for fun dives", "trip_form", None),
        ("book me some fun dives please", "training_form", None),  # never training -> trip
    ],
)
def test_a_course_named_in_a_trip_enquirys_first_words_switches_to_training(text, form, other):
    intent = "request_trip_lead" if form == "trip_form" else "request_training_lead"
    assert other_enquiry(opened_by(text, intent, 0.9), form) == other


async def test_the_trip_form_opened_by_a_course_request_hands_over_to_the_training_form(domain):
    tracker = opened_by(
        "connect me with a dive centre for my AOW in July", "request_trip_lead", 0.9
    )
    events = await ValidateTripForm().run(CollectingDispatcher(), tracker, domain)
    assert events[0] == {"event": "active_loop", "timestamp": None, "name": None}
    assert events[-1] == {"event": "followup", "timestamp": None, "name": "training_form"}
