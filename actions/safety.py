"""Safety replies: emergencies, medical questions, dive-plan requests, injections.

Emergency guidance is the first reply to anyone describing a diving
emergency. Its numbers come from knowledge/ (the emergency-contacts document,
and each destination's overview read through the vocabulary), never from code,
so they are reviewed with the rest of the content. The guidance is fixed
text: no model decides what it says.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from dovvybuddy.common.json_logging import log_event
from dovvybuddy.knowledge.destination_facts import Chamber, chambers_by_destination
from dovvybuddy.knowledge.documents import Document, load_documents
from dovvybuddy.knowledge.vocabulary import (
    DESTINATION_NAMES,
    SAFETY_RESPONSES,
    emergency_numbers_in,
)
from dovvybuddy.monitoring.metrics import SAFETY_REPLIES

logger = logging.getLogger(__name__)

# Covered destinations are all in Malaysia, so the Asia-Pacific line comes first.
_PRIMARY_DAN_REGION_PREFIX = "Asia-Pacific"


@dataclass(frozen=True)
class EmergencyContacts:
    """The emergency numbers DovvyBuddy gives, as written in knowledge/."""

    national_number_by_destination: dict[str, tuple[str, str]]  # id -> (country, number)
    dan_hotlines: tuple[tuple[str, str], ...]  # (region, phone), primary first
    # id -> recompression chambers, nearest first; country -> the number mobiles may also dial
    chambers: dict[str, tuple[Chamber, ...]] = field(default_factory=dict)
    mobile_numbers: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_documents(cls, documents: list[Document]) -> EmergencyContacts:
        contacts = next(d for d in documents if d.kind == "emergency_contacts")
        hotlines = sorted(
            ((str(h["region"]), str(h["phone"])) for h in contacts.meta["dan_hotlines"]),
            key=lambda hotline: not hotline[0].startswith(_PRIMARY_DAN_REGION_PREFIX),
        )
        mobile = {
            str(n["country"]).split(" (from mobile")[0]: str(n["number"])
            for n in contacts.meta["national_numbers"]
            if "(from mobile" in str(n["country"])
        }
        return cls(
            emergency_numbers_in(documents),
            tuple(hotlines),
            chambers_by_destination(documents),
            mobile,
        )


@lru_cache(maxsize=1)
def emergency_contacts() -> EmergencyContacts:
    """The contacts, read once per process."""
    return EmergencyContacts.from_documents(load_documents())


def nearest_chamber_line(contacts: EmergencyContacts, destination: str | None) -> str | None:
    """The nearest recompression chamber on record for the destination, to confirm via DAN."""
    chambers = contacts.chambers.get(destination or "")
    if not chambers:
        return None
    chamber = chambers[0]
    status = " (its current status is unconfirmed)" if chamber.status == "unconfirmed" else ""
    place = DESTINATION_NAMES[str(destination)]
    return (
        f"Nearest recompression chamber on record for {place}: {chamber.name} "
        f"({chamber.operator}), {chamber.town}{status}; {chamber.how_to_reach}. "
        f"Ask DAN to confirm it can take the diver and to help arrange the referral "
        f"(list last verified {chamber.verified})."
    )


def emergency_guidance(contacts: EmergencyContacts, destination: str | None) -> str:
    """The emergency reply: the destination's national number when it is known, DAN, first
    aid, and the nearest recompression chamber on record for the destination."""
    if destination in contacts.national_number_by_destination:
        country, number = contacts.national_number_by_destination[destination]
        mobile = contacts.mobile_numbers.get(country)
        also = f" ({mobile} from a mobile phone also works)" if mobile else ""
        call = f"Call emergency services now: {number} in {country}{also}."
    else:
        call = "Call your local emergency number now (112 works in many countries)."
    hotlines = "; ".join(
        f"{region}: {phone}" for region, phone in contacts.dan_hotlines if "toll-free" not in region
    )
    chamber = nearest_chamber_line(contacts, destination)
    return "\n".join(
        [
            "This sounds like a diving emergency. Act now:",
            f"1. {call}",
            f"2. Call the DAN diving emergency hotline ({hotlines}).",
            "3. If you are trained, give 100% oxygen.",
            "4. Keep the person lying down, still and monitored; if they are unconscious but "
            "breathing, put them in the recovery position; if they stop breathing, start CPR.",
            "5. No more diving and no flying for them.",
            *([chamber] if chamber else []),
            "Tell the boat crew or dive centre straight away: they have oxygen and know the "
            "nearest recompression chamber.",
        ]
    )


def log_safety_reply(category: str, tracker: Tracker) -> None:
    """Record that a safety reply was given (no personal data) for operators to count."""
    SAFETY_REPLIES.labels(category).inc()
    log_event(logger, "safety_reply", category=category, conversation_id=tracker.sender_id)


class ActionEmergencyGuidance(Action):
    """Give emergency guidance immediately, before anything else."""

    def name(self) -> str:
        return "action_emergency_guidance"

    async def run(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: dict[str, Any],
    ) -> list[dict[str, Any]]:
        dispatcher.utter_message(
            text=emergency_guidance(emergency_contacts(), tracker.get_slot("destination"))
        )
        log_safety_reply("emergency", tracker)
        return []


class ActionSafetyReply(Action):
    """The fixed reply to a medical question, a dive-plan request or an injection attempt."""

    def name(self) -> str:
        return "action_safety_reply"

    async def run(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: dict[str, Any],
    ) -> list[dict[str, Any]]:
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        category = intent if intent in SAFETY_RESPONSES else "prompt_injection"
        dispatcher.utter_message(response=SAFETY_RESPONSES[category])
        log_safety_reply(category, tracker)
        return []
