"""A question about a danger: a grounded answer, then the emergency numbers."""

import json

import pytest
from rasa_sdk.executor import CollectingDispatcher

import actions.safety_questions as safety_questions
from actions.safety import emergency_contacts
from actions.safety_questions import (
    EMERGENCY_LINE_START,
    NO_GUIDE_ANSWER,
    SAFETY_GUIDE_KINDS,
    ActionAnswerSafetyQuestion,
)

DCS_ANSWER = (
    "Joint pain, numbness, tingling and unusual tiredness after a dive are typical signs.\n"
    "Source: Decompression sickness and lung over-expansion injuries"
)


class AnswererReturning:
    def __init__(self, answer=None, error=None):
        self.reply, self.error, self.kinds = answer, error, None

    async def answer(self, question, context, conversation_id, destination=None, topic_kinds=None):
        self.kinds = topic_kinds
        if self.error:
            raise self.error
        return self.reply


@pytest.fixture
def use_answerer(monkeypatch):
    def install(answerer):
        monkeypatch.setattr(safety_questions, "default_answerer", lambda: answerer)
        return answerer

    return install


async def reply_to(make_tracker, domain, text="what are the signs of DCS?", destination=None):
    dispatcher = CollectingDispatcher()
    tracker = make_tracker(text, intent="ask_safety_question", slots={"destination": destination})
    events = await ActionAnswerSafetyQuestion().run(dispatcher, tracker, domain)
    assert events == []
    return [message["text"] for message in dispatcher.messages]


async def test_the_answer_comes_first_and_the_emergency_line_last(
    use_answerer, make_tracker, domain
):
    use_answerer(AnswererReturning(DCS_ANSWER))
    replies = await reply_to(make_tracker, domain)
    assert replies[0] == DCS_ANSWER
    assert len(replies) == 2
    assert replies[1].startswith(EMERGENCY_LINE_START)


async def test_the_safety_and_comfort_guides_are_searched_first(use_answerer, make_tracker, domain):
    answerer = use_answerer(AnswererReturning(DCS_ANSWER))
    await reply_to(make_tracker, domain)
    assert answerer.kinds == SAFETY_GUIDE_KINDS == ["safety", "comfort"]


async def test_it_is_never_the_emergency_script_nor_a_referral(use_answerer, make_tracker, domain):
    use_answerer(AnswererReturning(DCS_ANSWER))
    text = " ".join(await reply_to(make_tracker, domain))
    assert "This sounds like a diving emergency" not in text
    assert "a question for a doctor" not in text


async def test_a_covered_destination_gives_its_national_number(use_answerer, make_tracker, domain):
    use_answerer(AnswererReturning(DCS_ANSWER))
    line = (await reply_to(make_tracker, domain, destination="tioman"))[-1]
    assert "999 (Malaysia)" in line


@pytest.mark.parametrize("destination", [None, "bali"])
async def test_otherwise_112_and_the_local_number(use_answerer, make_tracker, domain, destination):
    use_answerer(AnswererReturning(DCS_ANSWER))
    line = (await reply_to(make_tracker, domain, destination=destination))[-1]
    assert "local emergency number" in line
    assert "112" in line


async def test_the_line_names_the_primary_dan_hotline(use_answerer, make_tracker, domain):
    use_answerer(AnswererReturning(DCS_ANSWER))
    line = (await reply_to(make_tracker, domain))[-1]
    region, phone = emergency_contacts().dan_hotlines[0]
    assert "DAN" in line
    assert f"{region}: {phone}" in line


@pytest.mark.parametrize(
    "answerer", [AnswererReturning(None), AnswererReturning(error=RuntimeError("db down"))]
)
async def test_without_an_answer_the_emergency_line_still_comes(
    use_answerer, make_tracker, domain, answerer
):
    use_answerer(answerer)
    replies = await reply_to(make_tracker, domain)
    assert replies[0] == NO_GUIDE_ANSWER
    assert replies[1].startswith(EMERGENCY_LINE_START)


async def test_each_safety_answer_is_logged_without_personal_data(
    use_answerer, make_tracker, domain, caplog
):
    use_answerer(AnswererReturning(DCS_ANSWER))
    with caplog.at_level("INFO"):
        await reply_to(make_tracker, domain, text="my name is Ana, what are DCS signs?")
    records = [json.loads(r.getMessage()) for r in caplog.records if "safety_reply" in r.message]
    assert records == [
        {"event": "safety_reply", "category": "safety_question", "conversation_id": "test-diver"}
    ]
