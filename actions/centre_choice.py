"""Choosing a dive centre in an enquiry: the centres offered, the answer, the routing.

The form offers the partner centres at the diver's destination that offer what
the enquiry asks for (a course, gear rental, a liveaboard), as buttons plus
"any of them". A named centre gets the lead, and so does the only centre that
fits when there is nothing to choose; "any" (or no centre fitting) keeps the
default rule of `partner_for`: the first centre of the destination by
partner_id. The consent question and the summary say which centre that is.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.conversation_repair import REPAIR_SLOT, answered_something_else
from dovvybuddy.knowledge.vocabulary import PARTNER_SERVICES, spoken_list
from dovvybuddy.leads.partners import Partner, partner_for, partners_fitting
from dovvybuddy.leads.repair_replies import display
from dovvybuddy.leads.trip_details import skips

CENTRE_SLOT = "dive_centre"
ANY_CENTRE = "any"
_ANY = re.compile(
    r"\b(any|anyone|any one|either|whichever|no preference|don'?t mind|doesn'?t matter|"
    r"you (?:choose|pick|decide)|up to you|all of them|both)\b"
)
_LIVEABOARD = re.compile(r"\blive\s?-?aboard\b")


@lru_cache(maxsize=64)
def _fitting(destination: str, services: tuple[str, ...], course: str | None) -> list[Partner]:
    # The partner files are read once per process and request, not on every turn.
    return partners_fitting(destination, services, course)


@lru_cache(maxsize=16)
def default_partner_of(destination: str | None) -> Partner:
    """The centre the default rule picks (also for "any of them")."""
    return partner_for(destination)


def wanted_services(tracker: Tracker) -> tuple[tuple[str, ...], str | None]:
    """The services (and course) the enquiry asks of a centre."""
    if tracker.active_loop_name == "handoff_form":
        return (), None  # a question for a person: any centre at the destination
    if tracker.active_loop_name == "training_form" or tracker.get_slot("course_of_interest"):
        return ("courses",), tracker.get_slot("course_of_interest")
    services = ["trips"]
    if tracker.get_slot("gear_rental") == "yes":
        services.append("gear_rental")
    if _LIVEABOARD.search(str(tracker.get_slot("accommodation") or "").lower()):
        services.append("liveaboard")
    if tracker.get_slot("trip_course") not in (None, "", "no"):
        services.append("courses")
    return tuple(services), None


def offered_centres(tracker: Tracker) -> list[Partner]:
    """The centres at the diver's destination that fit the enquiry."""
    destination = tracker.get_slot("destination")
    if not destination:
        return []
    services, course = wanted_services(tracker)
    return list(_fitting(str(destination), services, course))


def routed_partner(tracker: Tracker) -> Partner:
    """The centre that gets the lead: the one chosen; the only one that fits when
    there was nothing to choose; else (and for "any") the default rule."""
    destination = tracker.get_slot("destination")
    chosen = tracker.get_slot(CENTRE_SLOT)
    for partner in _fitting(str(destination or ""), (), None):
        if partner.partner_id == chosen:
            return partner
    if chosen is None:
        offered = offered_centres(tracker)
        if len(offered) == 1:
            return offered[0]
    return default_partner_of(destination)


def chooses(tracker: Tracker) -> bool:
    """Whether the diver has a choice to make: two or more centres fit."""
    return len(offered_centres(tracker)) >= 2


def read_choice(text: str, offered: list[Partner]) -> str | None:
    """The partner_id named in `text` (by name, distinctive word or number), "any", or None."""
    lowered = " ".join((text or "").lower().replace("(demo)", " ").split()).strip(" .!")
    if not lowered:
        return None
    for partner in offered:
        name = " ".join(partner.name.lower().replace("(demo)", " ").split())
        if lowered in (name, partner.partner_id) or name in lowered:
            return partner.partner_id
    if lowered.isdigit() and 1 <= int(lowered) <= len(offered):
        return offered[int(lowered) - 1].partner_id
    # A distinctive word of one centre's name ("Salang", "the turtle one").
    words = set(re.findall(r"[a-z]{4,}", lowered))
    named = [partner for partner in offered if words & _distinctive(partner, offered)]
    if len(named) == 1:
        return named[0].partner_id
    if skips(lowered) or _ANY.search(lowered):
        return ANY_CENTRE
    return None


def _distinctive(partner: Partner, offered: list[Partner]) -> set[str]:
    """The words of a centre's name that no other offered centre's name has."""

    def words(p: Partner) -> set[str]:
        return set(re.findall(r"[a-z]{4,}", p.name.lower())) - {"demo", "dive", "divers"}

    others = set().union(*(words(p) for p in offered if p is not partner))
    return words(partner) - others


def describe(partner: Partner) -> str:
    """One line for the choice: the centre, what it offers, its languages."""
    services = spoken_list([PARTNER_SERVICES[s] for s in partner.services if s in PARTNER_SERVICES])
    languages = spoken_list(list(partner.languages))
    line = f"- {partner.name}: {services}"
    return f"{line}; speaks {languages}" if languages else line


def choice_text(tracker: Tracker) -> str:
    """The chosen centre as the summary shows it."""
    chosen = tracker.get_slot(CENTRE_SLOT)
    routed = routed_partner(tracker)
    if chosen == ANY_CENTRE:
        return f"any of them ({routed.name} will get it)"
    return routed.name


class ActionAskDiveCentre(Action):
    """Offer the centres that fit, as buttons plus "any of them"."""

    def name(self) -> str:
        return "action_ask_dive_centre"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        offered = offered_centres(tracker)
        pending = tracker.get_slot(REPAIR_SLOT) or {}
        if pending.get("field") == CENTRE_SLOT and pending.get("value") is not None:
            current = display(CENTRE_SLOT, pending["value"])
            dispatcher.utter_message(
                text=f'Sure. Your dive centre is currently {current}. (Or say "keep it".)'
            )
        elif answered_something_else(tracker):
            dispatcher.utter_message(text="Back to your enquiry:")
        buttons = [{"title": p.name, "payload": p.name} for p in offered]
        buttons.append({"title": "Any of them", "payload": "any of them"})
        dispatcher.utter_message(
            response="utter_ask_dive_centre",
            centres="\n".join(describe(p) for p in offered),
            buttons=buttons,
        )
        return []


class CentreChoiceValidation:
    """The centre question's validator, mixed into the forms' validation."""

    def validate_dive_centre(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> dict[str, Any]:
        offered = offered_centres(tracker)
        choice = read_choice(str(value or ""), offered)
        if choice:
            return {CENTRE_SLOT: choice}
        dispatcher.utter_message(
            response="utter_invalid_dive_centre",
            centres="\n".join(describe(partner) for partner in offered),
        )
        return {CENTRE_SLOT: None}

    async def _without_stale_centre(
        self,
        events: list[EventType],
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: dict[str, Any],
    ) -> list[EventType]:
        """The events; a centre chosen for another destination is forgotten and asked again."""
        tracker.add_slots(events)
        chosen = tracker.get_slot(CENTRE_SLOT)
        if chosen in (None, ANY_CENTRE) or routed_partner(tracker).partner_id == chosen:
            return events
        reset = [SlotSet(CENTRE_SLOT, None)]
        tracker.add_slots(reset)
        next_slot = await self.next_requested_slot(dispatcher, tracker, domain)
        kept = [e for e in events if e.get("name") != "requested_slot"]
        return [*kept, *reset, *([next_slot] if next_slot else [])]
