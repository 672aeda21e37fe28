"""Slots filled outside a form keep only values the assistant knows.

Rasa calls `action_validate_slot_mappings` after extracting slots from every
message. Outside a form, an entity the NLU got wrong ("Kota" as a
destination, "advanced diver" as a level, "~70" as a dive count) would
otherwise be stored as it is and flow into answers, the Gemini prompt and a
lead's diver profile. Inside a form, the form's own validation decides.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import ValidationAction

from actions.profile import PROFILE_SLOTS
from dovvybuddy.knowledge.vocabulary import AGENCIES, CERTIFICATION_LEVELS, DESTINATIONS

# More dives than any recreational diver logs: a number past it is a misreading.
MAX_LOGGED_DIVES = 20_000


class ValidateProfileSlots(ValidationAction):
    """Keep a profile slot only when its value is one the assistant knows."""

    def domain_slots(self, domain: dict[str, Any]) -> list[str]:
        # The profile slots also have form-only mappings, which hides them
        # from rasa-sdk's default (slots without an active-loop condition).
        return list(PROFILE_SLOTS)

    async def required_slots(
        self,
        domain_slots: list[str],
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: dict[str, Any],
    ) -> list[str]:
        return [] if tracker.active_loop_name else domain_slots

    def validate_certification_level(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict
    ) -> dict[str, Any]:
        return {"certification_level": value if value in CERTIFICATION_LEVELS else None}

    def validate_agency(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict
    ) -> dict[str, Any]:
        code = str(value).strip().upper() if value is not None else None
        return {"agency": code if code in AGENCIES else None}

    def validate_destination(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict
    ) -> dict[str, Any]:
        return {"destination": value if value in DESTINATIONS else None}

    def validate_dive_count(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict
    ) -> dict[str, Any]:
        try:
            count = float(value)
        except (TypeError, ValueError):
            return {"dive_count": None}
        return {"dive_count": count if 0 <= count <= MAX_LOGGED_DIVES else None}
