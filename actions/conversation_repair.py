"""Conversation repair inside the enquiry forms: corrections, "go back", resuming.

The form's validation (actions/lead_forms.py) hands each message here first.
What the message corrects is read by dovvybuddy/leads/corrections.py; here
the new value goes through the field's own validator and the events that
apply it are built. The form then asks its current question again (or shows
the updated summary), so no rule or story has to know which field changed.

Each question of the forms is asked by an `action_ask_<slot>` action: the
domain's response the first time, one short line after an answer to
something else, and with the current value after "go back".
"""

from __future__ import annotations

import inspect
from abc import ABC, abstractmethod
from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from dovvybuddy.knowledge.places import classify_place_name
from dovvybuddy.knowledge.vocabulary import DESTINATIONS
from dovvybuddy.leads.answer_shapes import has_own_level, values_in_opening
from dovvybuddy.leads.corrections import (
    Correction,
    find_correction,
    find_corrections,
    is_go_back,
    is_keep,
    previous_field,
)
from dovvybuddy.leads.repair_replies import (
    LABELS,
    changed_message,
    display,
    go_back_question,
    refused_message,
    resume_question,
)

REPAIR_SLOT = "lead_repair"
# Actions that answer something else in the middle of a form.
DIGRESSION_ACTIONS = frozenset(
    {
        "action_answer_question",
        "action_safety_reply",
        "action_answer_safety_question",
        "action_suggest_sites",
    }
)
# Short button titles for editing one field at the summary.
EDIT_BUTTON_WORDS = {
    "lead_name": "name",
    "lead_email": "email",
    "lead_phone": "phone",
    "certification_level": "level",
    "course_of_interest": "course",
    "destination": "destination",
    "preferred_dates": "dates",
    "group_size": "group size",
    "dive_count": "dives",
    "interests": "interests",
    "lead_message": "message",
    "budget": "budget",
    "dives_wanted": "dives wanted",
    "gear_rental": "gear rental",
    "trip_course": "trip course",
    "accommodation": "accommodation",
    "dive_centre": "dive centre",
    "handoff_question": "question",
}
# Questions asked by their own actions: the centre choice (actions/centre_choice.py)
# and the trip details asked together (actions/trip_details_form.py).
ASKED_ELSEWHERE = frozenset({"certification_level", "dive_centre", "budget"})
ASK_WHICH = (
    'Which answer would you like to change? Say, for example, "change my email to '
    'name@example.com", "change the dates", or "go back".'
)


def form_fields(tracker: Tracker, domain: dict[str, Any]) -> list[str]:
    """The fields of the active form a diver can correct, in the form's order."""
    form = tracker.active_loop_name or "training_form"
    return [f for f in domain["forms"][form]["required_slots"] if f in LABELS]


def value_before_message(tracker: Tracker, slot: str) -> Any:
    """The slot's value before the latest user message set anything."""
    latest_user = max(
        (i for i, e in enumerate(tracker.events) if e.get("event") == "user"), default=0
    )
    value = None
    for event in tracker.events[:latest_user]:
        if event.get("event") == "slot" and event.get("name") == slot:
            value = event.get("value")
    return value


def undo_this_message(tracker: Tracker) -> list[EventType]:
    """Put back every slot the latest message set: it was a repair, not an answer."""
    latest_user = max(
        (i for i, e in enumerate(tracker.events) if e.get("event") == "user"), default=0
    )
    names = {
        e["name"]
        for e in tracker.events[latest_user:]
        if e.get("event") == "slot" and e.get("name") not in ("requested_slot", REPAIR_SLOT)
    }
    return [SlotSet(name, value_before_message(tracker, name)) for name in sorted(names)]


def asked_order(tracker: Tracker) -> list[str]:
    """The fields the form asked, in order, each once (its latest time)."""
    order: list[str] = []
    for event in tracker.events:
        if event.get("event") == "slot" and event.get("name") == "requested_slot":
            value = event.get("value")
            if value:
                if value in order:
                    order.remove(value)
                order.append(value)
    return order


async def validated(
    form: FormValidationAction,
    field: str,
    raw: str,
    tracker: Tracker,
    domain: dict[str, Any],
) -> dict[str, Any]:
    """The field's validator's verdict on `raw`, without its "type it again" prompt."""
    if field == "destination":
        # The form's destination validator keeps the old value unless the
        # destination was the question asked: a correction is judged on its own.
        place = classify_place_name(raw)
        return {"destination": place.destination if place.destination in DESTINATIONS else None}
    result = getattr(form, f"validate_{field}")(raw, CollectingDispatcher(), tracker, domain)
    if inspect.isawaitable(result):
        result = await result
    return dict(result)


async def _finish(
    form: FormValidationAction,
    events: list[EventType],
    dispatcher: CollectingDispatcher,
    tracker: Tracker,
    domain: dict[str, Any],
) -> list[EventType]:
    """The events, and the question the form asks next (the same one, or the summary)."""
    tracker.add_slots(events)
    next_slot = await form.next_requested_slot(dispatcher, tracker, domain)
    return [*events, next_slot] if next_slot else events


async def repair_events(
    form: FormValidationAction,
    dispatcher: CollectingDispatcher,
    tracker: Tracker,
    domain: dict[str, Any],
) -> list[EventType] | None:
    """The events of a correction, "go back" or "keep it", or None for an ordinary answer."""
    requested = tracker.get_slot("requested_slot")
    if requested is None:
        return None
    message = tracker.latest_message or {}
    text = str(message.get("text") or "")
    intent = (message.get("intent") or {}).get("name")
    fields = form_fields(tracker, domain)
    before = {field: value_before_message(tracker, field) for field in fields}
    undo = undo_this_message(tracker)
    pending = tracker.get_slot(REPAIR_SLOT) or {}

    if pending.get("field") == requested and pending.get("value") is not None and is_keep(text):
        field = requested
        dispatcher.utter_message(
            text=f"Okay, I've kept your {LABELS[field]} as {display(field, pending['value'])}."
        )
        events = [*undo, SlotSet(field, pending["value"]), SlotSet(REPAIR_SLOT, None)]
        return await _finish(form, events, dispatcher, tracker, domain)

    corrections = find_corrections(text, requested, fields, before)
    if corrections:
        events = list(undo)
        for correction in corrections:
            events += await _apply(form, correction, before, dispatcher, tracker, domain)
        return await _finish(form, events, dispatcher, tracker, domain)

    if is_go_back(text) or intent == "go_back":
        previous = previous_field(asked_order(tracker), requested, fields)
        if previous is None or before.get(previous) is None:
            dispatcher.utter_message(
                text="That was the first question, so there's nothing before it."
            )
            return await _finish(form, undo, dispatcher, tracker, domain)
        events = [
            *undo,
            SlotSet(previous, None),
            SlotSet(REPAIR_SLOT, {"field": previous, "value": before[previous]}),
        ]
        return await _finish(form, events, dispatcher, tracker, domain)

    if intent == "correct_field" and not await _answers_question(form, tracker, domain):
        dispatcher.utter_message(text=ASK_WHICH)
        return await _finish(form, undo, dispatcher, tracker, domain)
    return None


async def _answers_question(
    form: FormValidationAction, tracker: Tracker, domain: dict[str, Any]
) -> bool:
    """Whether the message is a valid answer to the question asked."""
    requested = tracker.get_slot("requested_slot")
    candidate = tracker.get_slot(requested)
    if candidate is None or not hasattr(form, f"validate_{requested}"):
        return False
    if requested == "lead_confirmed":
        return candidate is True
    return (await validated(form, requested, str(candidate), tracker, domain)).get(
        requested
    ) is not None


async def _apply(
    form: FormValidationAction,
    correction: Correction,
    before: dict[str, Any],
    dispatcher: CollectingDispatcher,
    tracker: Tracker,
    domain: dict[str, Any],
) -> list[EventType]:
    """The events of one correction, and what the diver is told about it."""
    field, old = correction.field, before.get(correction.field)
    label = LABELS[field]
    if correction.value is None:
        if old is None:
            # Not asked yet: the form asks it in its turn.
            dispatcher.utter_message(text=f"Sure, I'll ask for your {label} in a moment.")
            return []
        return [SlotSet(field, None), SlotSet(REPAIR_SLOT, {"field": field, "value": old})]
    verdict = await validated(form, field, correction.value, tracker, domain)
    new = verdict.pop(field, None)
    if new is None:
        place = correction.value if field == "destination" else None
        dispatcher.utter_message(text=refused_message(field, old, place))
        return []
    if new == old:
        dispatcher.utter_message(text=f"Your {label} is already {display(field, new)}.")
    else:
        dispatcher.utter_message(text=changed_message(field, new))
    return [
        *(SlotSet(slot, value) for slot, value in verdict.items() if slot != field),
        SlotSet(field, new),
        SlotSet(REPAIR_SLOT, None),
    ]


async def opening_events(
    form: FormValidationAction,
    events: list[EventType],
    dispatcher: CollectingDispatcher,
    tracker: Tracker,
    domain: dict[str, Any],
) -> list[EventType]:
    """The form's first events, with the answers given in the opening message stored.

    "Perhentian in August? We're 4 divers" is not asked the dates or the
    group size again; "an open water course in Tioman" is the course wanted,
    not the diver's level.
    """
    text = str((tracker.latest_message or {}).get("text") or "")
    tracker.add_slots(events)
    extra: list[EventType] = []
    for field, raw in values_in_opening(text, form_fields(tracker, domain)).items():
        if tracker.get_slot(field) is not None:
            continue
        value = (await validated(form, field, raw, tracker, domain)).get(field)
        if value is None:
            continue
        extra.append(SlotSet(field, value))
        if field == "course_of_interest" and not has_own_level(text):
            before = value_before_message(tracker, "certification_level")
            extra.append(SlotSet("certification_level", before))
    if not extra:
        return events
    tracker.add_slots(extra)
    next_slot = await form.next_requested_slot(dispatcher, tracker, domain)
    kept = [e for e in events if e.get("name") != "requested_slot"]
    return [*kept, *extra, *([next_slot] if next_slot else [])]


def went_back_answered(
    events: list[EventType], dispatcher: CollectingDispatcher, tracker: Tracker
) -> list[EventType]:
    """A field the diver went back to is answered: its old value is no longer kept,
    and a new one is said back ("Updated your dates to 1-15 Nov 2027.")."""
    pending = tracker.get_slot(REPAIR_SLOT) or {}
    field = pending.get("field")
    new = next(
        (
            e.get("value")
            for e in reversed(events)
            if isinstance(e, dict) and e.get("event") == "slot" and e.get("name") == field
        ),
        None,
    )
    if not pending or new is None:
        return []
    if new != pending.get("value"):
        dispatcher.utter_message(text=changed_message(field, new))
    return [SlotSet(REPAIR_SLOT, None)]


def answered_something_else(tracker: Tracker) -> bool:
    """Whether an answer to something else (a digression) came after the latest message."""
    latest_user = max(
        (i for i, e in enumerate(tracker.events) if e.get("event") == "user"), default=-1
    )
    return tracker.latest_action_name in DIGRESSION_ACTIONS or any(
        e.get("event") == "action" and e.get("name") in DIGRESSION_ACTIONS
        for e in tracker.events[latest_user + 1 :]
    )


def edit_buttons(tracker: Tracker, fields: list[str]) -> list[dict[str, str]]:
    """One "Edit <field>" button per field in the summary; its text is what a diver would type."""
    return [
        {"title": f"Edit {EDIT_BUTTON_WORDS[f]}", "payload": f"edit {EDIT_BUTTON_WORDS[f]}"}
        for f in fields
        if f in EDIT_BUTTON_WORDS and tracker.get_slot(f) not in (None, "")
    ]


class AskLeadField(Action, ABC):
    """Ask one question of a form: in full, after a digression in one line, or with its value."""

    slot: str = ""
    form: str | None = None

    @abstractmethod
    def name(self) -> str:
        """action_ask_<slot>; abstract so rasa-sdk registers only the per-slot subclasses."""

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        pending = tracker.get_slot(REPAIR_SLOT) or {}
        if pending.get("field") == self.slot and pending.get("value") is not None:
            dispatcher.utter_message(text=go_back_question(self.slot, pending["value"]))
        elif answered_something_else(tracker):
            dispatcher.utter_message(text=resume_question(self.slot))
        elif self.form:
            dispatcher.utter_message(response=f"utter_ask_{self.form}_{self.slot}")
        else:
            dispatcher.utter_message(response=f"utter_ask_{self.slot}")
        return []


SURE_CORRECTION = 0.8
"""Below this intent confidence, a "correction" with no enquiry open that names no
field ("can you write my essay on climate change") was only the NLU's guess."""


class ActionNothingToCorrect(Action):
    """A correction or "go back" with no enquiry open: there is nothing to change.

    A message the NLU only guessed was a correction, and that names no field of
    an enquiry, is more likely a question or a request outside diving: it is
    answered as a question instead of being told there is nothing to change.
    """

    def name(self) -> str:
        return "action_nothing_to_correct"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        message = tracker.latest_message or {}
        intent = message.get("intent") or {}
        text = str(message.get("text") or "")
        names_a_field = find_correction(text, "lead_confirmed", tuple(LABELS), {}) is not None
        if (
            intent.get("name") == "go_back"
            or is_go_back(text)
            or names_a_field
            or float(intent.get("confidence") or 0.0) >= SURE_CORRECTION
        ):
            dispatcher.utter_message(response="utter_nothing_to_correct")
            return []
        return [FollowupAction("action_answer_question")]


def _ask_action(slot: str, form: str | None = None) -> type[AskLeadField]:
    """The `action_ask_...` class for one field, a module attribute so it can be pickled
    (the action server's worker processes receive the actions by reference)."""
    action_name = f"action_ask_{form}_{slot}" if form else f"action_ask_{slot}"
    class_name = "Ask" + "".join(part.title() for part in action_name.split("_")[2:])
    action = type(
        class_name,
        (AskLeadField,),
        {
            "slot": slot,
            "form": form,
            "name": lambda self: action_name,
            "__module__": __name__,
            "__qualname__": class_name,
        },
    )
    globals()[class_name] = action
    return action


ASK_ACTIONS: list[type[AskLeadField]] = [
    *(_ask_action(slot) for slot in LABELS if slot not in ASKED_ELSEWHERE),
    _ask_action("certification_level", "training_form"),
    _ask_action("certification_level", "trip_form"),
]
