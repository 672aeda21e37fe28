"""The diver's profile: which slots make it up and where the destination comes from."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker

from dovvybuddy.knowledge_validation import CERTIFICATION_LEVELS, DESTINATIONS

PROFILE_SLOTS = ("certification_level", "agency", "dive_count", "destination")


def covered_destination_named(latest_message: dict[str, Any]) -> str | None:
    """A covered destination named in this message (its canonical id), if any."""
    for entity in latest_message.get("entities") or []:
        if entity.get("entity") == "destination" and entity.get("value") in DESTINATIONS:
            return str(entity["value"])
    return None


def remembered_destination(tracker: Tracker) -> str | None:
    """The covered destination kept in the profile, if any."""
    remembered = tracker.get_slot("destination")
    return str(remembered) if remembered in DESTINATIONS else None


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
