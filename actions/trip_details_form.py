"""The trip form's optional details: asked together in one question, edited one by one.

The first time, the budget question asks for all five details at once
(budget per person, dives wanted, gear rental, a course during the trip,
accommodation); the answer fills each one it gives ("" for the others), and
"skip" leaves them all out. A detail the diver edits later is asked and read
on its own. Reading the words is dovvybuddy/leads/trip_details.py.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.conversation_repair import REPAIR_SLOT, AskLeadField, answered_something_else
from dovvybuddy.leads.trip_details import (
    PARSERS,
    TRIP_DETAIL_FIELDS,
    parse_gear_rental,
    read_trip_details,
)

TOGETHER_QUESTION = (
    "budget per person, dives wanted, gear rental, a course during the trip or "
    'accommodation: any of these in one message? (Or "skip".)'
)


def asks_details_together(tracker: Tracker) -> bool:
    """Whether the budget question is the first one about the trip details (all unanswered)."""
    pending = tracker.get_slot(REPAIR_SLOT) or {}
    return pending.get("field") != "budget" and all(
        tracker.get_slot(name) is None for name in TRIP_DETAIL_FIELDS[1:]
    )


def _quoted(parts: list[str]) -> str:
    return ", ".join(f'"{part}"' for part in parts)


class TripDetailValidation:
    """The validators of the five details, mixed into the forms' validation."""

    def validate_budget(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> dict[str, Any]:
        text = str(value or "")
        if not asks_details_together(tracker):
            return self._one_detail("budget", text, dispatcher)
        details = read_trip_details(text)
        if details is None:
            dispatcher.utter_message(response="utter_invalid_trip_details")
            return {"budget": None}
        if details.unplaced:
            dispatcher.utter_message(
                text=f"I couldn't place {_quoted(details.unplaced)} among the trip details; "
                "if it matters, add it to your message at the end."
            )
        return dict(details.values)

    def validate_dives_wanted(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> dict[str, Any]:
        return self._one_detail("dives_wanted", str(value or ""), dispatcher)

    def validate_gear_rental(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> dict[str, Any]:
        # "skip" reads as `deny`, which the slot maps to "no": the words decide
        # when they can ("skip" leaves it out), the button's yes or no otherwise.
        if tracker.get_slot("requested_slot") == "gear_rental":
            typed = parse_gear_rental(str((tracker.latest_message or {}).get("text") or ""))
            if typed is not None:
                return {"gear_rental": typed}
        return self._one_detail("gear_rental", str(value or ""), dispatcher)

    def validate_trip_course(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> dict[str, Any]:
        return self._one_detail("trip_course", str(value or ""), dispatcher)

    def validate_accommodation(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> dict[str, Any]:
        return self._one_detail("accommodation", str(value or ""), dispatcher)

    @staticmethod
    def _one_detail(name: str, text: str, dispatcher: CollectingDispatcher) -> dict[str, Any]:
        parsed = PARSERS[name](text)
        if parsed is None:
            dispatcher.utter_message(response=f"utter_invalid_{name}")
        return {name: parsed}


class ActionAskBudget(AskLeadField):
    """The budget question: all five details the first time, the budget alone after that."""

    slot = "budget"

    def name(self) -> str:
        return "action_ask_budget"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        if not asks_details_together(tracker):
            return await super().run(dispatcher, tracker, domain)
        if answered_something_else(tracker):
            dispatcher.utter_message(text=f"Back to your enquiry: {TOGETHER_QUESTION}")
        else:
            dispatcher.utter_message(response="utter_ask_trip_details")
        return []
