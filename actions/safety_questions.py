"""Answers to questions ABOUT a danger: "what are the signs of DCS?".

A diver asking how the bends is treated is curious, not in trouble: they get
an answer grounded in the safety and comfort guides, the way a dive
professional would explain it. Because a question can still hide an
incident, the reply always ends with one fixed line giving the emergency
numbers (the destination's when the conversation names one, else 112, and
DAN). An incident itself never comes here: it gets action_emergency_guidance.
"""

from __future__ import annotations

import logging
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.answer_question import conversation_context
from actions.safety import EmergencyContacts, emergency_contacts, log_safety_reply
from dovvybuddy.answering.answerer import default_answerer

logger = logging.getLogger(__name__)

# The guides that explain dangers and how divers handle them, searched first.
SAFETY_GUIDE_KINDS = ["safety", "comfort"]
EMERGENCY_LINE_START = "If this is happening to you or someone now:"
NO_GUIDE_ANSWER = (
    "I don't have a guide that answers that exactly. A dive professional or DAN can "
    "explain it properly."
)


def emergency_line(contacts: EmergencyContacts, destination: str | None) -> str:
    """The fixed last line of every safety answer: who to call if it is real."""
    if destination in contacts.national_number_by_destination:
        country, number = contacts.national_number_by_destination[destination]
        call = f"call {number} ({country})"
    else:
        call = "call your local emergency number (112 works in many countries)"
    primary_region, primary_phone = contacts.dan_hotlines[0]
    return (
        f"{EMERGENCY_LINE_START} {call}, then the DAN diving emergency hotline "
        f"({primary_region}: {primary_phone}), and tell the boat crew or dive centre."
    )


class ActionAnswerSafetyQuestion(Action):
    """Answer a question about a condition or hazard, then give the emergency numbers."""

    def name(self) -> str:
        return "action_answer_safety_question"

    async def run(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: dict[str, Any],
    ) -> list[dict[str, Any]]:
        question = ((tracker.latest_message or {}).get("text") or "").strip()
        try:
            answer = await default_answerer().answer(
                question,
                conversation_context(tracker),
                tracker.sender_id,
                topic_kinds=SAFETY_GUIDE_KINDS,
            )
        except Exception:  # the diver still gets the emergency line; the log gets the trace
            logger.exception("answering a safety question failed")
            answer = None
        dispatcher.utter_message(text=answer or NO_GUIDE_ANSWER)
        dispatcher.utter_message(
            text=emergency_line(emergency_contacts(), tracker.get_slot("destination"))
        )
        log_safety_reply("safety_question", tracker)
        return []
