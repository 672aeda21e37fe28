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


@pytest.mark.parametrize("destination", ["tioman", "perhentian", "redang"])
async def test_an_east_coast_emergency_names_the_kuantan_chamber_and_dan(
    make_tracker, domain, destination
):
    text = await guidance_for(make_tracker, domain, destination)
    chamber = next(line for line in text.splitlines() if line.startswith("Nearest recompression"))
    assert "Kuantan naval base" in chamber
    assert "Ask DAN to confirm" in chamber
    assert text.index("DAN diving emergency hotline") < text.index("Nearest recompression")


async def test_a_malaysian_emergency_gives_999_and_112_from_mobiles(make_tracker, domain):
    text = await guidance_for(make_tracker, domain, "perhentian")
    assert "999 in Malaysia (112 from a mobile phone also works)" in text


async def test_an_unconscious_diver_who_breathes_goes_in_the_recovery_position(
    make_tracker, domain
):
    text = await guidance_for(make_tracker, domain, "redang")
    assert "unconscious but breathing, put them in the recovery position" in text


async def test_without_a_destination_no_chamber_is_guessed(make_tracker, domain):
    text = await guidance_for(make_tracker, domain)
    assert "Nearest recompression chamber on record" not in text


async def test_sipadan_names_the_nearest_reported_chamber(make_tracker, domain):
    text = await guidance_for(make_tracker, domain, "sipadan")
    assert "for the Sipadan area: Hyperbaric chamber in Tawau" in text
