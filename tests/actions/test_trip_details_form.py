"""The trip form's optional details: one question for all five, each edited on its own."""

from rasa_sdk.executor import CollectingDispatcher

from actions.conversation_repair import edit_buttons
from actions.trip_details_form import ActionAskBudget
from dovvybuddy.leads.trip_details import TRIP_DETAIL_FIELDS
from tests.actions.test_conversation_repair import ANSWERED, form_turn, run_form

BEFORE_DETAILS = {
    **ANSWERED,
    "group_size": 2,
    "certification_level": "open_water",
    "dive_count": 20.0,
}
AT_SUMMARY = {
    **BEFORE_DETAILS,
    "budget": "RM 1,800",
    "dives_wanted": "8",
    "gear_rental": "no",
    "trip_course": "",
    "accommodation": "",
    "interests": "",
    "dive_centre": "any",
    "lead_message": "",
    "lead_consent": True,
}


async def test_the_first_budget_question_asks_for_every_detail_at_once(domain):
    tracker = form_turn("", "budget", BEFORE_DETAILS, intent="nlu_fallback")
    dispatcher = CollectingDispatcher()
    await ActionAskBudget().run(dispatcher, tracker, domain)
    assert [m["response"] for m in dispatcher.messages] == ["utter_ask_trip_details"]


async def test_one_answer_fills_the_details_it_gives_and_the_form_goes_on(domain):
    answer = "max 700 euros each, 10 dives, need rental gear"
    tracker = form_turn(answer, "budget", BEFORE_DETAILS, intent="inform_profile")
    slots, said = await run_form(tracker, domain)
    assert slots["budget"] == "max 700 euros each"
    assert slots["dives_wanted"] == "10"
    assert slots["gear_rental"] == "yes"
    assert (slots["trip_course"], slots["accommodation"]) == ("", "")
    assert slots["requested_slot"] == "interests"
    assert said == []


async def test_skip_leaves_every_detail_out_in_one_word(domain):
    slots, _ = await run_form(form_turn("skip", "budget", BEFORE_DETAILS, "deny"), domain)
    assert {field: slots[field] for field in TRIP_DETAIL_FIELDS} == dict.fromkeys(
        TRIP_DETAIL_FIELDS, ""
    )
    assert slots["requested_slot"] == "interests"


async def test_an_answer_with_no_detail_is_asked_again(domain):
    slots, said = await run_form(form_turn("hmm", "budget", BEFORE_DETAILS), domain)
    assert slots["budget"] is None
    assert said == ["utter_invalid_trip_details"]


async def test_a_detail_edited_at_the_summary_is_changed_alone(domain):
    tracker = form_turn("change the budget to 350 GBP", "lead_confirmed", AT_SUMMARY)
    slots, said = await run_form(tracker, domain)
    assert slots["budget"] == "350 GBP"
    assert "dives_wanted" not in slots or slots["dives_wanted"] == "8"
    assert slots["requested_slot"] == "lead_confirmed"
    assert said == ["Updated your budget to 350 GBP."]


async def test_edit_buttons_cover_the_details_given(domain):
    tracker = form_turn("", "lead_confirmed", AT_SUMMARY)
    fields = domain["forms"]["trip_form"]["required_slots"]
    titles = [button["title"] for button in edit_buttons(tracker, fields)]
    assert {"Edit budget", "Edit dives wanted", "Edit gear rental", "Edit dive centre"} <= set(
        titles
    )
    assert "Edit accommodation" not in titles  # left out: nothing to edit


async def test_skip_leaves_gear_rental_out_though_it_reads_as_no(domain):
    edited = {**AT_SUMMARY, "gear_rental": None}
    skipped = form_turn("skip", "gear_rental", edited, intent="deny")
    # The slot maps `deny` to "no" before the validation sees it.
    skipped.slots["gear_rental"] = skipped.events[-1]["value"] = "no"
    slots, _ = await run_form(skipped, domain)
    assert slots["gear_rental"] == ""
    tapped = form_turn("/deny", "gear_rental", edited, intent="deny")
    tapped.slots["gear_rental"] = tapped.events[-1]["value"] = "no"
    slots, _ = await run_form(tapped, domain)
    assert slots["gear_rental"] == "no"


async def test_a_plain_yes_at_the_summary_edit_of_the_trip_course_is_the_answer(domain):
    # "edit trip course" at the summary, then "yes": the form's affirm mapping
    # gives "yes", which the validator keeps (which course is for the centre).
    answered = {**ANSWERED, "lead_repair": {"field": "trip_course", "value": "no"}}
    answered.pop("trip_course", None)
    tracker = form_turn("yes", "trip_course", answered, intent="affirm")
    slots, said = await run_form(tracker, domain)
    assert slots["trip_course"] == "yes"
    assert "utter_invalid_trip_course" not in said
    assert slots["requested_slot"] != "trip_course"
