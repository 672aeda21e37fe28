"""What the diver is told when an enquiry is repaired, and how its values read.

Each field's label ("phone number"), its question in one short line (for
re-asking after a digression or a repair), why a new value was refused, and
the stored values as the diver reads them in replies and in the summary.
"""

from __future__ import annotations

from typing import Any

from dovvybuddy.knowledge.vocabulary import (
    CERTIFICATION_LEVEL_NAMES,
    DESTINATION_NAMES,
    DESTINATIONS,
    spoken_list,
)
from dovvybuddy.leads.partners import partner_by_id
from dovvybuddy.leads.travel_dates import readable_dates

LABELS = {
    "lead_name": "name",
    "lead_email": "email",
    "lead_phone": "phone number",
    "certification_level": "certification level",
    "course_of_interest": "course",
    "destination": "destination",
    "preferred_dates": "dates",
    "group_size": "group size",
    "dive_count": "number of logged dives",
    "interests": "interests",
    "lead_message": "message",
    # The trip details (dovvybuddy/leads/trip_details.py) and the centre chosen.
    "budget": "budget",
    "dives_wanted": "number of dives wanted",
    "gear_rental": "gear rental",
    "trip_course": "course during the trip",
    "accommodation": "accommodation",
    "dive_centre": "dive centre",
}
# Each question in one short line, for re-asking after a digression or a repair.
_COVERED_OR = spoken_list([DESTINATION_NAMES[code] for code in DESTINATIONS], "or")
SHORT_QUESTIONS = {
    "lead_name": "What's your name?",
    "lead_email": "What email address should the dive centre use?",
    "lead_phone": 'A phone number? (Or "skip".)',
    "certification_level": "What's your certification level?",
    "course_of_interest": "Which course are you interested in?",
    "destination": f"Where would you like to dive: {_COVERED_OR}?",
    "preferred_dates": "When would you like to go?",
    "group_size": "How many people are going, including you?",
    "dive_count": "About how many dives have you logged?",
    "interests": 'Anything you\'d love to see or do? (Or "skip".)',
    "lead_message": 'Anything else the dive centre should know? (Or "skip".)',
    "budget": 'What\'s your budget per person, in any currency? (Or "skip".)',
    "dives_wanted": 'How many dives would you like to do? (Or "skip".)',
    "gear_rental": 'Will you need rental gear? (Yes, no or "skip".)',
    "trip_course": 'Would you like to take a course during the trip? (Or "no".)',
    "accommodation": 'Any accommodation preference? (Or "any".)',
    "dive_centre": 'Which dive centre would you like? (Or "any of them".)',
}
# Why a new value was refused, per field (the validators' hints, as a clause).
REFUSALS = {
    "lead_name": "I didn't catch a name there",
    "lead_email": "that doesn't look like a complete email address (like name@example.com)",
    "lead_phone": (
        "I couldn't read that as a phone number (include the country code, like +60 12 345 6789)"
    ),
    "certification_level": (
        'I didn\'t recognise that level ("none yet", "Open Water", "Advanced", "Rescue" or '
        '"Divemaster" work)'
    ),
    "course_of_interest": (
        "I didn't recognise that course (Discover Scuba, Open Water, Advanced Open Water, "
        "Rescue or Divemaster)"
    ),
    "destination": f"I can only connect you with centres in {_COVERED_OR}",
    "preferred_dates": (
        'I couldn\'t work out those dates (something like "early May", "5-9 Aug" or "July" works)'
    ),
    "group_size": "group sizes from 1 to 30 work here",
    "dive_count": "I need the number of dives as a number",
    "interests": "I didn't catch what to change them to",
    "lead_message": "I didn't catch what to change it to",
    "budget": 'I need an amount, like "RM 1,500-2,000" or "about 600 euros"',
    "dives_wanted": "I need a number of dives from 1 to 100",
    "gear_rental": 'I need a yes or a no (or "skip")',
    "trip_course": "I didn't catch which course",
    "accommodation": "I didn't catch what to change it to",
    "dive_centre": "that isn't one of the centres that fit your enquiry",
}


def display(field: str, value: Any) -> str:
    """A stored value as the diver reads it."""
    if value in (None, ""):
        return "(not given)"
    if field in ("certification_level", "course_of_interest"):
        return CERTIFICATION_LEVEL_NAMES.get(value, str(value))
    if field == "destination":
        return DESTINATION_NAMES.get(value, str(value))
    if field == "lead_phone" and value == "none":
        return "(not given)"
    if field == "dive_count":
        return str(int(float(value)))
    if field == "group_size":
        size = int(float(value))
        return "just you" if size == 1 else f"{size} people"
    if field == "preferred_dates":
        return readable_dates(str(value))
    if field == "dive_centre":
        partner = partner_by_id(str(value))
        return partner.name if partner else "any of them"
    return str(value)


def changed_message(field: str, value: Any) -> str:
    """What the diver is told after a correction is applied."""
    if field == "lead_phone" and value == "none":
        return "Updated: I've removed your phone number."
    return f"Updated your {LABELS[field]} to {display(field, value)}."


def refused_message(field: str, old_value: Any, place: str | None = None) -> str:
    """Why a correction was refused, and that the old value stays."""
    reason = REFUSALS[field]
    if field == "destination" and place:
        reason = f"I don't cover {place} yet; {reason}"
    kept = (
        f"I've kept {display(field, old_value)}."
        if old_value not in (None, "")
        else "I'll ask for it when we get there."
    )
    return f"I couldn't change your {LABELS[field]}: {reason}. {kept}"


_PLURAL_LABELS = frozenset({"preferred_dates", "interests", "dive_count"})


def go_back_question(field: str, value: Any) -> str:
    """Re-asking a field the diver went back to (or asked to change), showing its value."""
    verb = "are" if field in _PLURAL_LABELS else "is"
    return (
        f"Sure. Your {LABELS[field]} {verb} currently {display(field, value)}. "
        f'{SHORT_QUESTIONS[field]} (Or say "keep it".)'
    )


def resume_question(field: str) -> str:
    """The form's question in one short line, after an answer to something else."""
    return f"Back to your enquiry: {SHORT_QUESTIONS[field]}"
