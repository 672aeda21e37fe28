"""The answering action: dialogue glue around the answerer."""

import pytest
from rasa_sdk.executor import CollectingDispatcher

import actions.answer_question as answer_question
from actions.answer_question import (
    ActionAnswerQuestion,
    conversation_context,
    destination_in_focus,
)


class AnswererReturning:
    def __init__(self, answer=None, error=None):
        self.reply, self.error, self.calls = answer, error, []

    async def answer(self, question, context, conversation_id, destination=None, topic_kinds=None):
        self.calls.append((question, context, conversation_id, destination))
        self.topic_kinds = topic_kinds
        if self.error:
            raise self.error
        return self.reply


@pytest.fixture
def use_answerer(monkeypatch):
    def install(answerer):
        monkeypatch.setattr(answer_question, "default_answerer", lambda: answerer)
        return answerer

    return install


async def run_action(tracker, domain):
    dispatcher = CollectingDispatcher()
    events = await ActionAnswerQuestion().run(dispatcher, tracker, domain)
    assert events == []
    return dispatcher.messages


async def test_an_answer_is_sent_as_it_is(use_answerer, make_tracker, domain):
    use_answerer(AnswererReturning("Three to four days.\nSource: Open Water Diver"))
    messages = await run_action(make_tracker("how long is OW", "ask_certification"), domain)
    assert [m["text"] for m in messages] == ["Three to four days.\nSource: Open Water Diver"]


async def test_no_relevant_knowledge_is_said_honestly(use_answerer, make_tracker, domain):
    use_answerer(AnswererReturning(None))
    messages = await run_action(make_tracker("trimix blends?", "ask_diving_question"), domain)
    assert [m["response"] for m in messages] == ["utter_no_knowledge"]


async def test_an_unclear_message_with_no_answer_says_so(use_answerer, make_tracker, domain):
    use_answerer(AnswererReturning(None))
    messages = await run_action(make_tracker("qwzx plorf", "nlu_fallback"), domain)
    assert [m["response"] for m in messages] == ["utter_did_not_understand", "utter_capabilities"]


@pytest.mark.parametrize("question", ["how do I set up a sidemount rig", "trimix blends?"])
async def test_an_unsure_question_with_no_answer_is_told_the_guides_lack_it(
    use_answerer, make_tracker, domain, question
):
    use_answerer(AnswererReturning(None))
    messages = await run_action(make_tracker(question, "nlu_fallback"), domain)
    assert [m["response"] for m in messages] == ["utter_no_knowledge"]


async def test_an_uncovered_destination_is_never_described(use_answerer, make_tracker, domain):
    answerer = use_answerer(AnswererReturning("Bali has great manta dives."))
    tracker = make_tracker(
        "what is diving in koh tao like",
        "ask_destination",
        entities=[{"entity": "destination", "value": "koh-tao", "start": 19, "end": 26}],
    )
    messages = await run_action(tracker, domain)
    assert messages[0]["response"] == "utter_destination_not_covered"
    assert messages[0]["place"] == "Koh Tao"
    assert answerer.calls == []


async def test_a_covered_destination_is_answered(use_answerer, make_tracker, domain):
    use_answerer(AnswererReturning("Tioman is lovely.\nSource: Tioman"))
    tracker = make_tracker(
        "tell me about tioman",
        "ask_destination",
        entities=[{"entity": "destination", "value": "tioman"}],
    )
    assert (await run_action(tracker, domain))[0]["text"].startswith("Tioman is lovely")


async def test_a_failure_gets_a_polite_reply(use_answerer, make_tracker, domain):
    use_answerer(AnswererReturning(error=OSError("database down")))
    messages = await run_action(make_tracker("how long is OW", "ask_certification"), domain)
    assert [m["response"] for m in messages] == ["utter_answer_unavailable"]


def test_context_has_profile_slots_and_earlier_turns_only(make_tracker):
    tracker = make_tracker(
        "and redang?",
        slots={"certification_level": "open_water", "agency": None, "dive_count": 12.0},
    )
    tracker.events[:0] = [
        {"event": "user", "text": "tell me about tioman"},
        {"event": "bot", "text": "Tioman is lovely."},
    ]
    context = conversation_context(tracker)
    assert context.profile == {"certification_level": "open_water", "dive_count": "12.0"}
    assert context.history == [("user", "tell me about tioman"), ("model", "Tioman is lovely.")]


def test_every_response_the_action_uses_exists_in_the_domain(domain):
    for response in (
        "utter_no_knowledge",
        "utter_did_not_understand",
        "utter_capabilities",
        "utter_destination_not_covered",
        "utter_answer_unavailable",
    ):
        assert domain["responses"][response][0]["text"]


def test_a_destination_named_in_the_message_is_in_focus(make_tracker):
    tracker = make_tracker(
        "when to go to redang",
        "ask_destination",
        entities=[{"entity": "destination", "value": "redang"}],
        slots={"destination": "tioman"},
    )
    assert destination_in_focus(tracker) == "redang"


def test_a_place_question_uses_the_remembered_destination(make_tracker):
    tracker = make_tracker("best season?", "ask_destination", slots={"destination": "tioman"})
    assert destination_in_focus(tracker) == "tioman"


def test_other_questions_and_uncovered_places_have_no_focus(make_tracker):
    assert (
        destination_in_focus(
            make_tracker("what is nitrox", "ask_certification", slots={"destination": "tioman"})
        )
        is None
    )
    assert (
        destination_in_focus(
            make_tracker("best season?", "ask_destination", slots={"destination": "bali"})
        )
        is None
    )


async def test_a_fear_is_answered_from_the_comfort_guides(use_answerer, make_tracker, domain):
    answerer = use_answerer(AnswererReturning("Breathe slowly.\nSource: Breathing"))
    await run_action(make_tracker("I'm nervous about diving", "express_fear"), domain)
    assert answerer.topic_kinds == ["comfort"]


async def test_a_trip_choice_the_nlu_placed_as_a_question_runs_trip_matching(
    make_tracker, domain, use_answerer
):
    answerer = use_answerer(AnswererReturning("never used"))
    tracker = make_tracker(
        "nervous about currents, 5 dives, where should I go in July?", "ask_diving_question"
    )
    dispatcher = CollectingDispatcher()
    events = await ActionAnswerQuestion().run(dispatcher, tracker, domain)
    assert events == [{"event": "followup", "timestamp": None, "name": "action_match_trip"}]
    assert dispatcher.messages == [] and answerer.calls == []
