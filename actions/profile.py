"""The diver's profile and the places they name: where the destination comes from."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.enquiry_start import enquiry_start
from dovvybuddy.knowledge.places import (
    classify_places,
    covered_destination_in,
    in_diving_history,
    uncovered_place_in,
)
from dovvybuddy.knowledge.vocabulary import CERTIFICATION_LEVELS, DESTINATIONS

PROFILE_SLOTS = ("certification_level", "agency", "dive_count", "destination")


def covered_destination_named(latest_message: dict[str, Any]) -> str | None:
    """A covered destination named in this message (its canonical id), if any.

    The NLU's entity first; otherwise the place words themselves, which also
    know the jetty or airport that leads to a destination ("from Mersing").
    """
    for entity in latest_message.get("entities") or []:
        if entity.get("entity") == "destination" and entity.get("value") in DESTINATIONS:
            return str(entity["value"])
    return covered_destination_in(classify_places(latest_message.get("text") or ""))


# Questions about a card or a course mention countries in passing ("is PADI
# valid in Australia?"): only a known dive destination is refused there.
_COURSE_INTENTS = frozenset({"ask_certification", "ask_equivalency"})


def uncovered_place_named(latest_message: dict[str, Any]) -> str | None:
    """An uncovered dive destination this message asks about (none if it names a covered one)."""
    intent = (latest_message.get("intent") or {}).get("name")
    text = latest_message.get("text") or ""
    asked_about = [m for m in classify_places(text) if not in_diving_history(text, m)]
    return uncovered_place_in(asked_about, dive_regions_only=intent in _COURSE_INTENTS)


def refuse_uncovered_place(dispatcher: CollectingDispatcher, tracker: Tracker) -> bool:
    """Say so and offer the covered destinations if the diver asks about one we don't cover."""
    place = uncovered_place_named(tracker.latest_message or {})
    if place:
        dispatcher.utter_message(response="utter_destination_not_covered", place=place)
    return place is not None


def remembered_destination(tracker: Tracker) -> str | None:
    """The covered destination kept in the profile, if any."""
    remembered = tracker.get_slot("destination")
    return str(remembered) if remembered in DESTINATIONS else None


class ActionNoteProfile(Action):
    """Acknowledge what the diver said about themselves; a place we don't cover is said so.

    The profile keeps only a covered destination: "thinking of Bali" is
    refused with the covered list rather than remembered.
    """

    def name(self) -> str:
        return "action_note_profile"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        started = enquiry_start(tracker)
        if started:
            return started
        if not refuse_uncovered_place(dispatcher, tracker):
            dispatcher.utter_message(response="utter_profile_noted")
        kept = tracker.get_slot("destination")
        return [SlotSet("destination", None)] if kept and kept not in DESTINATIONS else []


def certification_level_named(latest_message: dict[str, Any]) -> str | None:
    """The certification level this message names (its code), if any; the last one wins.

    Overlapping and negated mentions are already resolved by the NLU
    (nlu/certification_level_extractor.py), so "advanced open water" arrives
    as one Advanced Open Water entity.
    """
    named = [
        str(entity["value"])
        for entity in latest_message.get("entities") or []
        if entity.get("entity") == "certification_level"
        and entity.get("value") in CERTIFICATION_LEVELS
    ]
    return named[-1] if named else None
