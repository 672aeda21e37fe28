"""Asking for a person: the diver's open question and contact go as a `question` lead.

"Can I talk to someone real?" starts the handoff form (domain.yml): the open
question, name, email, the centre where a destination is known and more than
one fits, consent and the summary. The open question is picked up from the
conversation (`open_question`): the message the bot could not answer, else the
last question asked; it is asked only when there is none.

Asked in the middle of a training or trip enquiry, the handoff replaces it:
the diver wants a person now, so the enquiry ends, its name and email (and
phone) are kept for the handoff, and nothing of it is stored. The question
goes to the chosen centre or, without a destination, to the operations inbox,
by the same store, outbox and diver copy as the other leads.
"""

from __future__ import annotations

import re
from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import ActiveLoop, EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.centre_choice import CENTRE_SLOT, chooses
from actions.lead_forms import LeadFormValidation, form_slots, private_only

QUESTION_SLOT = "handoff_question"
MAX_QUESTION_CHARS = 500
# Kept from an enquiry the handoff replaces: the diver need not say them again.
KEPT_CONTACT_SLOTS = frozenset({"lead_name", "lead_email", "lead_phone"})
# Replies that leave the diver's message unanswered.
_UNANSWERED_RESPONSES = frozenset(
    {
        "utter_no_knowledge",
        "utter_did_not_understand",
        "utter_default",
        "utter_answer_unavailable",
        "utter_destination_not_covered",
        "utter_out_of_scope",
    }
)
_UNANSWERED_TEXT = re.compile(
    r"I don't have that in my guides|I didn't quite understand|I lost the thread|"
    r"I couldn't look that up|I don't cover .+ yet",
    re.IGNORECASE,
)
# Messages that are not a question for a person, whatever their wording.
_NOT_A_QUESTION_INTENTS = frozenset(
    {
        "request_human",
        "request_training_lead",
        "request_trip_lead",
        "greet",
        "goodbye",
        "thanks",
        "affirm",
        "deny",
        "stop",
        "emergency",
        "prompt_injection",
        "inform_profile",
        "correct_field",
        "go_back",
        "bot_challenge",
        "chitchat",
    }
)
_QUESTION_INTENTS = frozenset(
    {
        "ask_certification",
        "ask_equivalency",
        "ask_destination",
        "ask_dive_site",
        "ask_diving_question",
        "ask_safety_question",
        "medical_question",
        "dive_plan_request",
        "express_fear",
        "match_trip",
    }
)


_ANSWERING_ACTIONS = frozenset({"action_answer_question", "action_answer_safety_question"})


def _unanswered(bot_events: list[dict[str, Any]]) -> bool:
    """Whether the bot's replies to a message left it unanswered."""
    for event in bot_events:
        utter = (event.get("metadata") or {}).get("utter_action")
        if utter in _UNANSWERED_RESPONSES or _UNANSWERED_TEXT.search(str(event.get("text") or "")):
            return True
    return False


def open_question(events: list[dict[str, Any]]) -> str | None:
    """The diver's open question before their latest message: the last message the
    bot could not answer (a refusal or a fallback), else the last question asked.

    A message the diver sent while a form asked for something (a name, dates) is
    an answer, not a question, and the latest message (the request for a person)
    never counts.
    """
    turns: list[dict[str, Any]] = []
    in_form = False
    for event in events:
        kind = event.get("event")
        if kind == "active_loop":
            in_form = bool(event.get("name"))
        elif kind == "user":
            turns.append({"user": event, "replies": [], "answered": False, "in_form": in_form})
        elif turns and kind == "bot":
            turns[-1]["replies"].append(event)
        elif turns and kind == "action" and event.get("name") in _ANSWERING_ACTIONS:
            turns[-1]["answered"] = True
    # Within a form only a message answered as a question counts: the rest are
    # answers to the form's questions (a name, dates).
    earlier = [
        turn
        for turn in turns[:-1]
        if _is_candidate(turn["user"]) and (turn["answered"] or not turn["in_form"])
    ]
    unanswered = [
        turn["user"]
        for turn in earlier
        if _unanswered(turn["replies"]) or _intent(turn["user"]) in ("nlu_fallback", "out_of_scope")
    ]
    if unanswered:
        return _clean(unanswered[-1])
    asked = [
        turn["user"]
        for turn in earlier
        if _intent(turn["user"]) in _QUESTION_INTENTS or "?" in _text(turn["user"])
    ]
    return _clean(asked[-1]) if asked else None


def _intent(user: dict[str, Any]) -> str:
    return str(((user.get("parse_data") or {}).get("intent") or {}).get("name") or "")


def _text(user: dict[str, Any]) -> str:
    return " ".join(str(user.get("text") or "").split())


def _is_candidate(user: dict[str, Any]) -> bool:
    text = _text(user)
    # Button payloads ("/affirm") and one-word replies are not questions.
    return (
        bool(text)
        and not text.startswith("/")
        and len(text.split()) >= 2
        and _intent(user) not in _NOT_A_QUESTION_INTENTS
    )


def _clean(user: dict[str, Any]) -> str:
    return _text(user)[:MAX_QUESTION_CHARS]


class ActionStartHandoff(Action):
    """Start the handoff: end an enquiry in progress, keep its contact, carry the open question."""

    def name(self) -> str:
        return "action_start_handoff"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        question = open_question(tracker.events)
        replaced = tracker.active_loop_name in ("training_form", "trip_form")
        kept = KEPT_CONTACT_SLOTS if replaced else frozenset()
        events: list[EventType] = [ActiveLoop(None), SlotSet("requested_slot", None)]
        events += [SlotSet(slot, None) for slot in form_slots(domain) if slot not in kept]
        events.append(SlotSet(QUESTION_SLOT, question))
        if replaced:
            dispatcher.utter_message(
                text="Of course. I'll set that enquiry aside and pass your question "
                "to a person instead."
            )
        if question:
            dispatcher.utter_message(
                text=f'I\'ll pass this question to a person at a dive centre: "{question}". '
                'You can change it before it goes ("edit question").'
            )
        return events


class ValidateHandoffForm(LeadFormValidation):
    """The handoff's fields: the question, then contact, centre and consent as in an enquiry."""

    def name(self) -> str:
        return "validate_handoff_form"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        if (ended := private_only(dispatcher, tracker, domain)) is not None:
            return ended
        events = await FormValidationAction.run(self, dispatcher, tracker, domain)
        return await self._without_stale_centre(events, dispatcher, tracker, domain)

    async def required_slots(
        self,
        domain_slots: list[str],
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: dict[str, Any],
    ) -> list[str]:
        if tracker.get_slot("lead_consent") is False:
            domain_slots = [slot for slot in domain_slots if slot != "lead_confirmed"]
        if not chooses(tracker) and tracker.get_slot(CENTRE_SLOT) is None:
            domain_slots = [slot for slot in domain_slots if slot != CENTRE_SLOT]
        return domain_slots

    def validate_handoff_question(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> dict[str, Any]:
        text = " ".join(str(value or "").split())
        if len(text.split()) >= 2 or (len(text) >= 4 and text.endswith("?")):
            return {QUESTION_SLOT: text[:MAX_QUESTION_CHARS]}
        dispatcher.utter_message(response="utter_invalid_handoff_question")
        return {QUESTION_SLOT: None}
