"""The enquiry forms: validation, consent, confirmation and submission."""

import pytest
from rasa_sdk.executor import CollectingDispatcher

import actions.lead_forms as lead_forms
from actions.lead_forms import (
    ActionCancelLead,
    ActionSubmitLead,
    ValidateTrainingForm,
    ValidateTripForm,
    summary,
)
from dovvybuddy.common.settings import CLIENT_METADATA_KEY


def validate(make_tracker, domain, method, value, slots=None):
    dispatcher = CollectingDispatcher()
    result = getattr(ValidateTrainingForm(), method)(
        value, dispatcher, make_tracker("x", "nlu_fallback", slots=slots or {}), domain
    )
    return result, [m.get("response") for m in dispatcher.messages]


def test_each_form_has_its_validation_action():
    assert ValidateTrainingForm().name() == "validate_training_form"
    assert ValidateTripForm().name() == "validate_trip_form"


def test_a_valid_email_is_normalised(make_tracker, domain):
    assert validate(make_tracker, domain, "validate_lead_email", "it's Ana@Example.COM") == (
        {"lead_email": "Ana@example.com"},
        [],
    )


def test_an_invalid_email_is_asked_again_with_a_hint(make_tracker, domain):
    assert validate(make_tracker, domain, "validate_lead_email", "ana at gmail") == (
        {"lead_email": None},
        ["utter_invalid_lead_email"],
    )


def test_the_phone_can_be_skipped(make_tracker, domain):
    assert validate(make_tracker, domain, "validate_lead_phone", "skip")[0] == {
        "lead_phone": "none"
    }


def test_an_uncovered_destination_offers_the_covered_ones(make_tracker, domain):
    asked = {"requested_slot": "destination"}
    result, responses = validate(make_tracker, domain, "validate_destination", "bali", asked)
    assert result == {"destination": None}
    assert responses == ["utter_destination_not_a_partner_area"]
    assert validate(make_tracker, domain, "validate_destination", "Mabul")[0] == {
        "destination": "sipadan"
    }


def test_a_place_heard_while_another_question_was_asked_keeps_the_destination(make_tracker, domain):
    tracker = make_tracker("Olive Tan", "nlu_fallback", slots={"requested_slot": "lead_name"})
    tracker.events.insert(0, {"event": "slot", "name": "destination", "value": "tioman"})
    dispatcher = CollectingDispatcher()
    result = ValidateTrainingForm().validate_destination("Tan", dispatcher, tracker, domain)
    assert result == {"destination": "tioman"}
    assert dispatcher.messages == []


def test_dates_are_stored_as_an_iso_range(make_tracker, domain):
    result, _ = validate(make_tracker, domain, "validate_preferred_dates", "5-9 Aug")
    assert result["preferred_dates"].endswith("-08-05/" + result["preferred_dates"][:4] + "-08-09")


def test_group_size_over_30_is_refused(make_tracker, domain):
    assert validate(make_tracker, domain, "validate_group_size", "45") == (
        {"group_size": None},
        ["utter_invalid_group_size"],
    )


@pytest.mark.parametrize(
    ("text", "cleared"),
    [
        ("change email", "lead_email"),
        ("the dates are wrong", "preferred_dates"),
        ("edit my phone number", "lead_phone"),
    ],
)
def test_editing_one_field_at_confirmation_asks_it_again(make_tracker, domain, text, cleared):
    result, _ = validate(make_tracker, domain, "validate_lead_confirmed", text)
    assert result == {cleared: None, "lead_confirmed": None}


def test_yes_confirms(make_tracker, domain):
    assert validate(make_tracker, domain, "validate_lead_confirmed", True)[0] == {
        "lead_confirmed": True
    }


async def test_without_consent_nothing_is_confirmed_or_stored(make_tracker, domain):
    slots = ["lead_name", "lead_consent", "lead_confirmed"]
    required = await ValidateTrainingForm().required_slots(
        slots, CollectingDispatcher(), make_tracker(slots={"lead_consent": False}), domain
    )
    assert required == ["lead_name", "lead_consent"]

    dispatcher = CollectingDispatcher()
    await ActionSubmitLead().run(dispatcher, make_tracker(slots={"lead_consent": False}), domain)
    assert [m["response"] for m in dispatcher.messages] == ["utter_lead_not_stored"]


CONFIRMED_TRAINING_LEAD = {
    "lead_name": "Ana",
    "lead_email": "ana@example.com",
    "lead_phone": "none",
    "certification_level": "discover_scuba",
    "course_of_interest": "open_water",
    "destination": "tioman",
    "preferred_dates": "2027-05-01/2027-05-10",
    "lead_message": "",
    "lead_consent": True,
    "lead_confirmed": True,
}


def confirmed_lead_tracker(make_tracker):
    tracker = make_tracker(slots=CONFIRMED_TRAINING_LEAD)
    tracker.events.append({"event": "active_loop", "name": "training_form"})
    return tracker


async def test_a_confirmed_lead_is_stored_and_the_partner_named(make_tracker, domain, monkeypatch):
    saved = []

    class Store:
        async def save(self, record):
            saved.append(record)
            return "lead-1"

    monkeypatch.setattr(lead_forms, "default_lead_store", lambda: Store())
    tracker = confirmed_lead_tracker(make_tracker)
    tracker.latest_message["metadata"] = {CLIENT_METADATA_KEY: "net-hash"}
    dispatcher = CollectingDispatcher()

    events = await ActionSubmitLead().run(dispatcher, tracker, domain)

    [record] = saved
    assert (record.lead_type, record.name, record.phone) == ("training", "Ana", None)
    assert record.details["course_of_interest"] == "open_water"
    assert record.partner.partner_id == "tioman-demo-divers"
    assert dispatcher.messages[0]["response"] == "utter_lead_submitted"
    assert dispatcher.messages[0]["partner"] == "Tioman Demo Dive Centre (demo)"
    assert {"event": "slot", "timestamp": None, "name": "lead_email", "value": None} in events
    assert record.client_hash == "net-hash"


async def test_cancel_ends_the_form_and_clears_its_answers(make_tracker, domain):
    dispatcher = CollectingDispatcher()
    events = await ActionCancelLead().run(dispatcher, make_tracker(), domain)
    assert {"event": "active_loop", "timestamp": None, "name": None} in events
    assert dispatcher.messages[0]["response"] == "utter_lead_cancelled"


def test_the_summary_lists_what_will_be_sent_in_plain_words(make_tracker):
    tracker = make_tracker(
        slots={
            "lead_name": "Ana",
            "destination": "sipadan",
            "course_of_interest": "advanced_open_water",
            "lead_phone": "none",
            "dive_count": "12",
        }
    )
    assert summary(
        tracker,
        [
            "lead_name",
            "lead_phone",
            "course_of_interest",
            "destination",
            "dive_count",
            "lead_consent",
        ],
    ) == (
        "- Name: Ana\n- Phone: (not given)\n- Course: Advanced Open Water\n"
        "- Destination: Sipadan area\n- Logged dives: 12"
    )


def test_a_finished_enquiry_clears_the_forms_own_slots_and_keeps_the_profile(domain):
    from actions.lead_forms import form_slots

    cleared = form_slots(domain)
    required = {slot for form in domain["forms"].values() for slot in form["required_slots"]}
    assert {"lead_name", "lead_email", "preferred_dates", "lead_confirmed"} <= set(cleared)
    assert not {"destination", "certification_level", "dive_count"} & set(cleared)
    assert set(cleared) - required == {"lead_repair"}
