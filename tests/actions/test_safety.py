"""Emergency guidance comes first, with numbers from knowledge/."""

import json

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.safety import ActionEmergencyGuidance, ActionSafetyReply, emergency_contacts


async def guidance_for(make_tracker, domain, destination=None) -> str:
    dispatcher = CollectingDispatcher()
    tracker = make_tracker(
        "my buddy came up too fast and is confused",
        intent="emergency",
        slots={"destination": destination},
    )
    events = await ActionEmergencyGuidance().run(dispatcher, tracker, domain)
    assert events == []
    assert len(dispatcher.messages) == 1
    return dispatcher.messages[0]["text"]


@pytest.mark.parametrize("destination", ["tioman", "perhentian", "redang", "sipadan"])
async def test_a_covered_destination_gets_its_national_number(make_tracker, domain, destination):
    text = await guidance_for(make_tracker, domain, destination)
    assert "999 in Malaysia" in text


@pytest.mark.parametrize("destination", [None, "bali"])
async def test_an_unknown_place_gets_112_and_the_local_number(make_tracker, domain, destination):
    text = await guidance_for(make_tracker, domain, destination)
    assert "local emergency number" in text
    assert "112" in text


async def test_guidance_names_every_first_response_step(make_tracker, domain):
    text = await guidance_for(make_tracker, domain, "sipadan")
    assert text.startswith("This sounds like a diving emergency")
    for step in ("DAN", "100% oxygen", "lying down", "monitored", "No more diving", "no flying"):
        assert step in text


async def test_dan_hotlines_come_from_knowledge_with_asia_pacific_first(make_tracker, domain):
    text = await guidance_for(make_tracker, domain)
    regions = [region for region, _ in emergency_contacts().dan_hotlines]
    assert regions[0].startswith("Asia-Pacific")
    for region, phone in emergency_contacts().dan_hotlines:
        if "toll-free" not in region:
            assert phone in text


async def test_emergency_guidance_has_no_sales_and_no_questions(make_tracker, domain):
    text = await guidance_for(make_tracker, domain, "tioman")
    assert "?" not in text
    for word in ("course", "book", "partner", "price"):
        assert word not in text.lower()


async def test_each_emergency_reply_is_logged_without_personal_data(make_tracker, domain, caplog):
    caplog.set_level("INFO", logger="actions.safety")
    await guidance_for(make_tracker, domain)
    [event] = [json.loads(message) for message in caplog.messages]
    assert event == {
        "event": "safety_reply",
        "category": "emergency",
        "conversation_id": "test-diver",
    }


@pytest.mark.parametrize(
    ("intent", "response"),
    [
        ("medical_question", "utter_medical_referral"),
        ("dive_plan_request", "utter_no_dive_plans"),
        ("prompt_injection", "utter_injection_refusal"),
    ],
)
async def test_each_safety_intent_gets_its_fixed_reply_and_is_logged(
    make_tracker, domain, caplog, intent, response
):
    caplog.set_level("INFO", logger="actions.safety")
    dispatcher = CollectingDispatcher()
    await ActionSafetyReply().run(dispatcher, make_tracker("...", intent=intent), domain)
    assert [m["response"] for m in dispatcher.messages] == [response]
    [event] = [json.loads(message) for message in caplog.messages]
    assert (event["event"], event["category"]) == ("safety_reply", intent)


def test_the_fixed_replies_never_clear_anyone_or_give_numbers(domain):
    medical = domain["responses"]["utter_medical_referral"][0]["text"]
    plans = domain["responses"]["utter_no_dive_plans"][0]["text"]
    assert "doctor" in medical and "should be fine" not in medical
    assert not any(char.isdigit() for char in medical + plans)
