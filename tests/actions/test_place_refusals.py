"""A place DovvyBuddy does not cover is refused in every flow; origins never are."""

import pytest
from rasa_sdk.executor import CollectingDispatcher

import actions.answer_question as answer_question
from actions.answer_question import ActionAnswerQuestion
from actions.lead_forms import ValidateTrainingForm, ValidateTripForm
from actions.profile import ActionNoteProfile
from actions.site_suggestions import ActionSuggestSites
from actions.trip_matching import ActionMatchTrip


class RecordingAnswerer:
    def __init__(self):
        self.destinations = []

    async def answer(self, question, context, conversation_id, destination=None, topic_kinds=None):
        self.destinations.append(destination)
        return "Fly to Tawau, then drive to Semporna.\nSource: Sipadan"


@pytest.fixture
def answerer(monkeypatch):
    recording = RecordingAnswerer()
    monkeypatch.setattr(answer_question, "default_answerer", lambda: recording)
    return recording


def responses(dispatcher):
    return [(m.get("response"), m.get("place")) for m in dispatcher.messages]


async def run(action, tracker, domain):
    dispatcher = CollectingDispatcher()
    events = await action.run(dispatcher, tracker, domain)
    return events, dispatcher


async def test_site_suggestions_for_an_uncovered_place_are_refused(make_tracker, domain):
    tracker = make_tracker(
        "top dive spots in Palau?",
        "request_site_suggestion",
        slots={"certification_level": "rescue"},
    )
    events, dispatcher = await run(ActionSuggestSites(), tracker, domain)
    assert responses(dispatcher) == [("utter_destination_not_covered", "Palau")]
    assert events == []


async def test_site_suggestions_near_a_jetty_are_for_its_destination(make_tracker, domain):
    tracker = make_tracker(
        "good macro sites near Semporna?",
        "request_site_suggestion",
        slots={"certification_level": "open_water"},
    )
    _, dispatcher = await run(ActionSuggestSites(), tracker, domain)
    assert "these sites in the Sipadan area fit well" in dispatcher.messages[0]["text"]


async def test_a_question_about_an_uncovered_place_is_refused(answerer, make_tracker, domain):
    tracker = make_tracker("how is the vis around Koh Tao in june", "ask_destination")
    _, dispatcher = await run(ActionAnswerQuestion(), tracker, domain)
    assert responses(dispatcher) == [("utter_destination_not_covered", "Koh Tao")]
    assert answerer.destinations == []


async def test_a_transport_question_from_an_origin_city_is_answered(answerer, make_tracker, domain):
    tracker = make_tracker("I'll be in Kota Kinabalu, how far is Sipadan?", "ask_destination")
    _, dispatcher = await run(ActionAnswerQuestion(), tracker, domain)
    assert dispatcher.messages[0]["text"].startswith("Fly to Tawau")
    assert answerer.destinations == ["sipadan"]


async def test_a_fish_nickname_is_not_called_a_place(answerer, make_tracker, domain):
    tracker = make_tracker("where can I see a Napoleon?", "ask_diving_question")
    events, dispatcher = await run(ActionAnswerQuestion(), tracker, domain)
    # "Where can I see ..." is a trip choice: trip matching answers it next.
    assert events == [{"event": "followup", "timestamp": None, "name": "action_match_trip"}]
    assert dispatcher.messages == []
    _, dispatcher = await run(ActionMatchTrip(), tracker, domain)
    assert "text" in dispatcher.messages[0]
    assert "don't cover" not in dispatcher.messages[0]["text"]


async def test_a_trip_enquiry_for_an_uncovered_place_asks_for_a_covered_one(make_tracker, domain):
    tracker = make_tracker("I want to dive Raja Ampat, can you connect me?", "request_trip_lead")
    events, dispatcher = await run(ValidateTripForm(), tracker, domain)
    assert responses(dispatcher) == [("utter_destination_not_a_partner_area", "Raja Ampat")]
    assert {
        "event": "slot",
        "timestamp": None,
        "name": "requested_slot",
        "value": "destination",
    } in (events)


async def test_an_enquiry_forgets_an_uncovered_destination_from_earlier(make_tracker, domain):
    tracker = make_tracker(
        "can you sign me up for a course", "request_training_lead", slots={"destination": "bali"}
    )
    events, dispatcher = await run(ValidateTrainingForm(), tracker, domain)
    assert dispatcher.messages == []
    assert {"event": "slot", "timestamp": None, "name": "destination", "value": None} in events


async def test_an_enquiry_from_an_origin_city_is_not_refused(make_tracker, domain):
    tracker = make_tracker("we fly in from Singapore, book us a Tioman trip", "request_trip_lead")
    _, dispatcher = await run(ValidateTripForm(), tracker, domain)
    assert dispatcher.messages == []


@pytest.mark.parametrize(
    ("answer", "destination", "said"),
    [
        ("semporna", "sipadan", []),
        ("ok then, redang", "redang", []),
        ("koh tao", None, [("utter_destination_not_a_partner_area", "Koh Tao")]),
        ("KL", None, []),
        ("not sure yet", None, []),
    ],
)
def test_the_destination_answer_is_a_covered_place_or_asked_again(
    make_tracker, domain, answer, destination, said
):
    tracker = make_tracker(answer, "inform_profile", slots={"requested_slot": "destination"})
    dispatcher = CollectingDispatcher()
    result = ValidateTripForm().validate_destination(answer, dispatcher, tracker, domain)
    assert result == {"destination": destination}
    assert responses(dispatcher) == said


async def test_a_profile_naming_an_uncovered_place_is_refused_and_not_kept(make_tracker, domain):
    tracker = make_tracker(
        "I'm AOW and thinking of Raja Ampat next year",
        "inform_profile",
        slots={"destination": "raja-ampat"},
    )
    events, dispatcher = await run(ActionNoteProfile(), tracker, domain)
    assert responses(dispatcher) == [("utter_destination_not_covered", "Raja Ampat")]
    assert events == [{"event": "slot", "timestamp": None, "name": "destination", "value": None}]


async def test_a_profile_naming_where_one_dived_before_is_noted(make_tracker, domain):
    tracker = make_tracker("i dived 10 times in Koh Tao", "inform_profile")
    events, dispatcher = await run(ActionNoteProfile(), tracker, domain)
    assert responses(dispatcher) == [("utter_profile_noted", None)]
    assert events == []


async def test_a_card_question_naming_a_country_is_answered(answerer, make_tracker, domain):
    tracker = make_tracker("is my PADI card valid in Australia?", "ask_equivalency")
    _, dispatcher = await run(ActionAnswerQuestion(), tracker, domain)
    assert "text" in dispatcher.messages[0]


async def test_a_course_question_about_a_dive_region_is_refused(answerer, make_tracker, domain):
    tracker = make_tracker("how long is the open water course in Koh Tao?", "ask_certification")
    _, dispatcher = await run(ActionAnswerQuestion(), tracker, domain)
    assert responses(dispatcher) == [("utter_destination_not_covered", "Koh Tao")]
