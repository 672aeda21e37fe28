"""Finding 8: Telegram floods and lead forms in group chats."""

import pytest
from rasa_sdk.executor import CollectingDispatcher

import actions.lead_forms as lead_forms
from actions.lead_forms import ActionSubmitLead, ValidateTrainingForm
from tests.actions.test_lead_forms import CONFIRMED_TRAINING_LEAD


async def test_in_a_telegram_group_the_form_ends_before_its_first_question(make_tracker, domain):
    dispatcher = CollectingDispatcher()
    tracker = make_tracker("I want to learn to dive", "request_training_lead", sender_id="tg:-1007")
    events = await ValidateTrainingForm().run(dispatcher, tracker, domain)
    assert [m["response"] for m in dispatcher.messages] == ["utter_lead_form_private_only"]
    assert {"event": "active_loop", "timestamp": None, "name": None} in events


async def test_in_a_telegram_group_nothing_is_submitted_or_said_after_the_form(
    make_tracker, domain
):
    dispatcher = CollectingDispatcher()
    tracker = make_tracker(slots=CONFIRMED_TRAINING_LEAD, sender_id="tg:-1007")
    await ActionSubmitLead().run(dispatcher, tracker, domain)
    assert dispatcher.messages == []


@pytest.mark.parametrize(
    ("sender_id", "group"), [("tg:-100123", True), ("tg:5551", False), ("web-diver", False)]
)
def test_group_chats_are_told_apart_by_their_negative_telegram_id(sender_id, group):
    assert lead_forms.is_group_chat(sender_id) is group
