"""Choosing a dive centre in the enquiry forms: what is offered, read, shown and routed."""

from typing import Any

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

import actions.lead_forms as lead_forms
from actions.centre_choice import (
    ActionAskDiveCentre,
    offered_centres,
    read_choice,
    routed_partner,
)
from actions.lead_forms import ActionAskLeadConsent, ActionSubmitLead, ValidateTripForm, summary
from dovvybuddy.leads.partners import partner_for


def form_tracker(slots: dict[str, Any], form: str = "trip_form", text: str = "") -> Tracker:
    parse = {"text": text, "intent": {"name": "nlu_fallback", "confidence": 0.5}, "entities": []}
    return Tracker(
        sender_id="diver",
        slots=slots,
        latest_message=parse,
        events=[
            {"event": "active_loop", "name": form},
            {"event": "action", "name": "action_listen"},
            {"event": "user", "text": text, "parse_data": parse},
        ],
        paused=False,
        followup_action=None,
        active_loop={"name": form},
        latest_action_name="action_listen",
    )


async def test_the_centres_that_fit_are_offered_as_buttons_plus_any_of_them(domain):
    tracker = form_tracker({"destination": "tioman", "gear_rental": "yes"})
    dispatcher = CollectingDispatcher()

    await ActionAskDiveCentre().run(dispatcher, tracker, domain)

    [message] = dispatcher.messages
    titles = [button["title"] for button in message["buttons"]]
    offered = offered_centres(tracker)
    assert titles == [p.name for p in offered] + ["Any of them"]
    # Gear rental was asked for: only centres renting gear are offered.
    assert all("gear_rental" in p.services for p in offered) and len(offered) >= 2
    assert all(p.name in message["centres"] and "speaks" in message["centres"] for p in offered)


def test_a_training_enquiry_offers_the_centres_teaching_that_course():
    tracker = form_tracker(
        {"destination": "tioman", "course_of_interest": "divemaster"}, form="training_form"
    )
    assert [p.partner_id for p in offered_centres(tracker)] == ["tioman-reef-demo"]


@pytest.mark.parametrize(
    ("text", "chosen"),
    [
        ("Salang Bay Dive School (demo)", "tioman-salang-demo"),
        ("the salang one please", "tioman-salang-demo"),
        ("2", "tioman-reef-demo"),
        ("any of them", "any"),
        ("I don't mind", "any"),
        ("skip", "any"),
        ("yes", None),
        ("Celebes Sea Liveaboard (demo)", None),  # a Sipadan centre
    ],
)
def test_the_choice_is_read_by_name_word_number_or_any(text, chosen):
    offered = offered_centres(form_tracker({"destination": "tioman"}))
    assert read_choice(text, offered) == chosen


def test_an_unclear_choice_is_asked_again_with_the_centres(domain):
    tracker = form_tracker({"destination": "redang", "requested_slot": "dive_centre"})
    dispatcher = CollectingDispatcher()
    result = ValidateTripForm().validate_dive_centre("maybe", dispatcher, tracker, domain)
    assert result == {"dive_centre": None}
    assert dispatcher.messages[0]["response"] == "utter_invalid_dive_centre"
    assert "Pasir Panjang Scuba (demo)" in dispatcher.messages[0]["centres"]


async def test_fewer_than_two_fitting_centres_are_not_a_choice(domain):
    slots = ["destination", "dive_centre", "lead_message"]
    liveaboard = form_tracker({"destination": "sipadan", "accommodation": "a liveaboard"})
    required = await ValidateTripForm().required_slots(
        slots, CollectingDispatcher(), liveaboard, domain
    )
    assert required == ["destination", "lead_message"]
    # The only centre that fits gets the enquiry.
    assert routed_partner(liveaboard).partner_id == "sipadan-liveaboard-demo"


def test_the_summary_names_the_chosen_centre_or_the_one_any_gives():
    chosen = form_tracker({"destination": "perhentian", "dive_centre": "perhentian-turtle-demo"})
    assert summary(chosen, ["dive_centre"]) == "- Dive centre: Turtle Point Divers (demo)"
    anyone = form_tracker({"destination": "perhentian", "dive_centre": "any"})
    default = partner_for("perhentian").name
    assert summary(anyone, ["dive_centre"]) == (
        f"- Dive centre: any of them ({default} will get it)"
    )


async def test_consent_and_the_stored_lead_go_to_the_chosen_centre(domain, monkeypatch):
    saved = []

    class Store:
        async def save(self, record):
            saved.append(record)

    monkeypatch.setattr(lead_forms, "default_lead_store", lambda: Store())
    slots = {
        "lead_name": "Wan Azlan",
        "lead_email": "wan@example.com",
        "destination": "redang",
        "dive_centre": "redang-pasir-demo",
        "lead_consent": True,
        "lead_confirmed": True,
    }
    consent = CollectingDispatcher()
    await ActionAskLeadConsent().run(consent, form_tracker(slots), domain)
    assert consent.messages[0]["partner"] == "Pasir Panjang Scuba (demo)"

    done = CollectingDispatcher()
    await ActionSubmitLead().run(done, form_tracker(slots), domain)
    [record] = saved
    assert record.partner.partner_id == "redang-pasir-demo"
    assert record.details["dive_centre"] == "redang-pasir-demo"
    assert done.messages[0]["partner"] == "Pasir Panjang Scuba (demo)"


async def test_any_of_them_keeps_the_default_rule(domain, monkeypatch):
    saved = []

    class Store:
        async def save(self, record):
            saved.append(record)

    monkeypatch.setattr(lead_forms, "default_lead_store", lambda: Store())
    slots = {
        "lead_name": "Ines",
        "lead_email": "ines@example.com",
        "destination": "redang",
        "dive_centre": "any",
        "lead_consent": True,
        "lead_confirmed": True,
    }
    await ActionSubmitLead().run(CollectingDispatcher(), form_tracker(slots), domain)
    assert saved[0].partner.partner_id == partner_for("redang").partner_id == "redang-demo-divers"
