"""The training and trip enquiry forms: validation, consent, confirmation, submission.

Both forms share their fields' validation (`LeadFormValidation`); what differs
is the list of fields (in domain.yml) and the lead type. Nothing is stored
until the diver has given explicit consent and confirmed the summary.
"""

from __future__ import annotations

import logging
import re
from abc import abstractmethod
from datetime import date
from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import ActiveLoop, EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.centre_choice import (
    CENTRE_SLOT,
    CentreChoiceValidation,
    choice_text,
    chooses,
    routed_partner,
)
from actions.conversation_repair import (
    REPAIR_SLOT,
    edit_buttons,
    opening_events,
    repair_events,
    went_back_answered,
)
from actions.enquiry_start import guessed_enquiry, other_enquiry
from actions.form_questions import hands_over, question_events
from actions.profile import PROFILE_SLOTS, uncovered_place_named
from actions.trip_details_form import TripDetailValidation, asks_details_together
from dovvybuddy.common.json_logging import log_event
from dovvybuddy.common.settings import CLIENT_METADATA_KEY
from dovvybuddy.knowledge.places import PlaceKind, classify_place_name
from dovvybuddy.knowledge.vocabulary import (
    CERTIFICATION_LEVEL_NAMES,
    DESTINATION_NAMES,
    DESTINATIONS,
    FORM_LEAD_TYPES,
)
from dovvybuddy.leads.corrections import is_go_back
from dovvybuddy.leads.fields import (
    is_plausible_name,
    is_skip,
    parse_email,
    parse_group_size,
    parse_level,
    parse_phone,
    self_corrected,
)
from dovvybuddy.leads.store import LeadLimitReached, LeadRecord, default_lead_store
from dovvybuddy.leads.travel_dates import parse_travel_dates, readable_dates

logger = logging.getLogger(__name__)

# Profile slots a form keeps unless they answer the question it asked.
ANSWER_ONLY_PROFILE_SLOTS = ("certification_level", "agency", "dive_count")
FIELD_LABELS = {
    "lead_name": "Name",
    "lead_email": "Email",
    "lead_phone": "Phone",
    "course_of_interest": "Course",
    "certification_level": "Current level",
    "destination": "Destination",
    "preferred_dates": "Dates",
    "group_size": "Group size",
    "dive_count": "Logged dives",
    "interests": "Interests",
    "budget": "Budget per person",
    "dives_wanted": "Dives wanted",
    "gear_rental": "Gear rental needed",
    "trip_course": "Course during the trip",
    "accommodation": "Accommodation",
    "dive_centre": "Dive centre",
    "lead_message": "Message",
    "handoff_question": "Your question",
}
# Words a diver may use to name a field when editing the summary.
FIELD_WORDS = {
    "name": "lead_name",
    "email": "lead_email",
    "e-mail": "lead_email",
    "mail": "lead_email",
    "phone": "lead_phone",
    "number": "lead_phone",
    "course": "course_of_interest",
    "level": "certification_level",
    "certification": "certification_level",
    "destination": "destination",
    "place": "destination",
    "island": "destination",
    "date": "preferred_dates",
    "dates": "preferred_dates",
    "when": "preferred_dates",
    "group": "group_size",
    "people": "group_size",
    "dives": "dive_count",
    "interests": "interests",
    "interest": "interests",
    "message": "lead_message",
    "budget": "budget",
    "gear": "gear_rental",
    "rental": "gear_rental",
    "accommodation": "accommodation",
    "hotel": "accommodation",
    "centre": "dive_centre",
    "center": "dive_centre",
    "question": "handoff_question",
}
_EDIT = re.compile(r"\b(change|edit|update|fix|correct|wrong)\b")


def slot_before_latest_message(tracker: Tracker, slot: str) -> Any:
    """The slot's value before the latest user message set anything."""
    latest_user = max(
        (i for i, e in enumerate(tracker.events) if e.get("event") == "user"), default=0
    )
    value = None
    for event in tracker.events[:latest_user]:
        if event.get("event") == "slot" and event.get("name") == slot:
            value = event.get("value")
    return value


def summary(tracker: Tracker, fields: list[str]) -> str:
    """The fields the diver gave, one per line, as they will be sent."""
    lines = []
    for field in fields:
        value = tracker.get_slot(field)
        if field in ("lead_consent", "lead_confirmed") or value in (None, ""):
            continue
        if field in ("certification_level", "course_of_interest"):
            value = CERTIFICATION_LEVEL_NAMES.get(value, value)
        elif field == "destination":
            value = DESTINATION_NAMES.get(value, value).removeprefix("the ")
        elif field == "lead_phone" and value == "none":
            value = "(not given)"
        elif field == "dive_count":
            value = int(float(value))
        elif field == "preferred_dates":
            value = readable_dates(str(value))
        elif field == CENTRE_SLOT:
            value = choice_text(tracker)
        lines.append(f"- {FIELD_LABELS[field]}: {value}")
    return "\n".join(lines)


def is_group_chat(sender_id: str) -> bool:
    """Telegram group, supergroup and channel chat ids are negative; people's are positive."""
    return sender_id.startswith("tg:-")


class LeadFormValidation(CentreChoiceValidation, TripDetailValidation, FormValidationAction):
    """Validation shared by both enquiry forms; subclasses name the form."""

    @abstractmethod
    def name(self) -> str:
        """validate_<form name>; abstract so rasa-sdk does not register this base."""

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        if (ended := private_only(dispatcher, tracker, domain)) is not None:
            return ended
        form = self.name().removeprefix("validate_")
        if tracker.get_slot("requested_slot") is None and (switch := other_enquiry(tracker, form)):
            # A course named in a trip enquiry's first words is a training enquiry.
            return [*form_ended(domain), FollowupAction(switch)]
        if tracker.get_slot("requested_slot") is None and guessed_enquiry(tracker):
            # "Planning a trip in November, good time?" is answered (actions/enquiry_start.py).
            return [*form_ended(domain), FollowupAction("action_answer_question")]
        # A correction, "go back" or "keep it" is applied first (actions/conversation_repair.py);
        # the trip details asked together are one free answer that names several
        # fields ("8 dives, not fussy about the room"), so only "go back" counts there.
        if not (
            tracker.get_slot("requested_slot") == "budget"
            and asks_details_together(tracker)
            and not is_go_back(str((tracker.latest_message or {}).get("text") or ""))
        ):
            repaired = await repair_events(self, dispatcher, tracker, domain)
            if repaired is not None:
                return await self._without_stale_centre(repaired, dispatcher, tracker, domain)
        # A question goes to the rules that answer it; an answer the NLU took
        # for a question is validated as one (actions/form_questions.py).
        question = await question_events(self, tracker, domain)
        if question is not None and hands_over(question):
            return question
        tracker.add_slots(question or [])
        place_events = refuse_uncovered_destination_at_start(dispatcher, tracker)
        tracker.add_slots(place_events)
        events = place_events + await super().run(dispatcher, tracker, domain)
        # During a form only the question asked may change the profile: the
        # "4" of a group size or the "Advanced" of a course wanted must not
        # become the diver's logged dives or level.
        # What the diver said when starting the form (requested_slot unset) counts.
        requested = tracker.get_slot("requested_slot")
        if requested is None:
            events = await opening_events(self, events, dispatcher, tracker, domain)
        for slot in ANSWER_ONLY_PROFILE_SLOTS:
            if requested and slot != requested and slot in tracker.slots_to_validate():
                events.append(SlotSet(slot, slot_before_latest_message(tracker, slot)))
        # A field the diver went back to is answered: its old value is no longer kept.
        events += went_back_answered(events, dispatcher, tracker)
        return await self._without_stale_centre(events, dispatcher, tracker, domain)

    async def required_slots(
        self,
        domain_slots: list[str],
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: dict[str, Any],
    ) -> list[str]:
        # Without consent there is nothing to confirm: the form ends and the
        # submit action says nothing was stored.
        if tracker.get_slot("lead_consent") is False:
            return [slot for slot in domain_slots if slot != "lead_confirmed"]
        if not chooses(tracker) and tracker.get_slot(CENTRE_SLOT) is None:
            # Fewer than two centres fit: there is nothing to choose.
            domain_slots = [slot for slot in domain_slots if slot != CENTRE_SLOT]
        # The destination asked first, unless the diver went back from it to an earlier question.
        going_back = (tracker.get_slot(REPAIR_SLOT) or {}).get("field")
        if destination_comes_first(tracker) and going_back in (None, "destination"):
            return ["destination", *(slot for slot in domain_slots if slot != "destination")]
        return domain_slots

    def validate_lead_name(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> dict[str, Any]:
        if isinstance(value, str) and is_plausible_name(value):
            return {"lead_name": value.strip().title() if value.islower() else value.strip()}
        dispatcher.utter_message(response="utter_invalid_lead_name")
        return {"lead_name": None}

    def validate_lead_email(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> dict[str, Any]:
        email = parse_email(str(value or ""))
        if email:
            return {"lead_email": email}
        dispatcher.utter_message(response="utter_invalid_lead_email")
        return {"lead_email": None}

    def validate_lead_phone(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> dict[str, Any]:
        text = str(value or "")
        if text == "none" or is_skip(text):
            return {"lead_phone": "none"}
        phone = parse_phone(text)
        if phone:
            return {"lead_phone": phone}
        dispatcher.utter_message(response="utter_invalid_lead_phone")
        return {"lead_phone": None}

    def validate_certification_level(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> dict[str, Any]:
        level = parse_level(str(value or ""))
        if level:
            return {"certification_level": level}
        dispatcher.utter_message(response="utter_invalid_certification_level")
        return {"certification_level": None}

    def validate_course_of_interest(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> dict[str, Any]:
        course = parse_level(str(value or ""))
        # Naming a course fills the profile's level from the same entity: the
        # diver's own level is what it was before this answer.
        restored = {
            "certification_level": slot_before_latest_message(tracker, "certification_level")
        }
        if course:
            return {"course_of_interest": course, **restored}
        dispatcher.utter_message(response="utter_invalid_course_of_interest")
        return {"course_of_interest": None, **restored}

    def validate_destination(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> dict[str, Any]:
        place = classify_place_name(str(value or ""))
        # A jetty or airport that leads to one destination ("Semporna") means it.
        if place.destination in DESTINATIONS:
            return {"destination": place.destination}
        requested = tracker.get_slot("requested_slot")
        if requested != "destination":
            # A name ("Olive Tan") or dates ("Early May") the NLU took for a
            # place while another question was asked keeps the destination;
            # a place named when the form starts is answered by `run`.
            kept = slot_before_latest_message(tracker, "destination")
            return {"destination": kept if kept in DESTINATIONS else None}
        if place.kind is PlaceKind.UNCOVERED:
            dispatcher.utter_message(
                response="utter_destination_not_a_partner_area", place=place.name
            )
        # Anything else (a home town, "not sure") is asked again with the covered list.
        return {"destination": None}

    def validate_preferred_dates(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> dict[str, Any]:
        dates = parse_travel_dates(str(value or ""), date.today())
        if dates:
            return {"preferred_dates": dates}
        dispatcher.utter_message(response="utter_invalid_preferred_dates")
        return {"preferred_dates": None}

    def validate_group_size(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> dict[str, Any]:
        size = parse_group_size(str(value or ""))
        if size and self_corrected(str(value or "")):
            # "3 people... sorry, make it 6": the number kept is said back.
            dispatcher.utter_message(text=f"Got it: {size} {'person' if size == 1 else 'people'}.")
        if size:
            return {"group_size": size}
        dispatcher.utter_message(response="utter_invalid_group_size")
        return {"group_size": None}

    def validate_dive_count(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> dict[str, Any]:
        found = re.search(r"\d+", str(value or ""))
        if found and int(found.group(0)) <= 10_000:
            return {"dive_count": float(found.group(0))}
        if is_skip(str(value or "")):
            return {"dive_count": 0.0}
        dispatcher.utter_message(response="utter_invalid_dive_count")
        return {"dive_count": None}

    def validate_interests(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> dict[str, Any]:
        return {"interests": "" if is_skip(str(value or "")) else str(value).strip()[:500]}

    def validate_lead_message(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> dict[str, Any]:
        return {"lead_message": "" if is_skip(str(value or "")) else str(value).strip()[:1000]}

    def validate_lead_confirmed(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> dict[str, Any]:
        text = str(value or "").lower()
        if value is True or text in ("yes", "true"):
            return {"lead_confirmed": True}
        if _EDIT.search(text):
            field = next(
                (
                    slot
                    for word, slot in FIELD_WORDS.items()
                    if re.search(rf"\b{re.escape(word)}\b", text)
                ),
                None,
            )
            if field:
                return {field: None, "lead_confirmed": None}
        dispatcher.utter_message(response="utter_invalid_lead_confirmed")
        return {"lead_confirmed": None}


def refuse_uncovered_destination_at_start(
    dispatcher: CollectingDispatcher, tracker: Tracker
) -> list[EventType]:
    """At the start of an enquiry, refuse a place we don't cover and forget one kept from earlier.

    "Can you connect me with a shop in Raja Ampat?" gets the covered list, and
    the form asks for a covered destination first.
    """
    if tracker.get_slot("requested_slot") is not None:
        return []
    place = uncovered_place_named(tracker.latest_message or {})
    if place:
        dispatcher.utter_message(response="utter_destination_not_a_partner_area", place=place)
    kept = tracker.get_slot("destination")
    return [SlotSet("destination", None)] if kept and kept not in DESTINATIONS else []


def destination_comes_first(tracker: Tracker) -> bool:
    """Whether the destination is the open question: asked, or refused at the start."""
    if tracker.get_slot("destination") is not None:
        return False
    requested = tracker.get_slot("requested_slot")
    return requested == "destination" or (
        requested is None and uncovered_place_named(tracker.latest_message or {}) is not None
    )


class ValidateTrainingForm(LeadFormValidation):
    def name(self) -> str:
        return "validate_training_form"


class ValidateTripForm(LeadFormValidation):
    def name(self) -> str:
        return "validate_trip_form"


class ActionAskLeadConsent(Action):
    """Ask for consent, naming the partner dive centre that would get the details."""

    def name(self) -> str:
        return "action_ask_lead_consent"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        partner = routed_partner(tracker)
        dispatcher.utter_message(response="utter_ask_lead_consent", partner=partner.name)
        return []


class ActionAskLeadConfirmed(Action):
    """Show the summary and ask to send it, change a field or cancel."""

    def name(self) -> str:
        return "action_ask_lead_confirmed"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        form = tracker.active_loop_name or "training_form"
        fields = domain["forms"][form]["required_slots"]
        dispatcher.utter_message(
            response="utter_ask_lead_confirmed",
            summary=summary(tracker, fields),
            buttons=edit_buttons(tracker, fields),
        )
        return []


def form_slots(domain: dict[str, Any]) -> list[str]:
    """The enquiry's own slots, read from the domain's forms: what a sent or
    cancelled enquiry clears (the diver's profile slots stay)."""
    required = (slot for form in domain["forms"].values() for slot in form["required_slots"])
    return [slot for slot in dict.fromkeys(required) if slot not in PROFILE_SLOTS] + [REPAIR_SLOT]


def reset_form_slots(domain: dict[str, Any]) -> list[EventType]:
    return [SlotSet(slot, None) for slot in form_slots(domain)]


def form_ended(domain: dict[str, Any]) -> list[EventType]:
    """The events that end the active form and empty every form's fields."""
    return [ActiveLoop(None), SlotSet("requested_slot", None), *reset_form_slots(domain)]


def private_only(
    dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
) -> list[EventType] | None:
    """In a group chat anyone could read, answer or confirm another member's
    contact details: the form ends before its first question."""
    if not is_group_chat(tracker.sender_id):
        return None
    dispatcher.utter_message(response="utter_lead_form_private_only")
    return form_ended(domain)


class ActionSubmitLead(Action):
    """Store a confirmed lead (and its delivery) and tell the diver what happens next."""

    def name(self) -> str:
        return "action_submit_lead"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        if is_group_chat(tracker.sender_id):  # the form told them to write privately
            return reset_form_slots(domain)
        if tracker.get_slot("lead_consent") is not True or not tracker.get_slot("lead_confirmed"):
            dispatcher.utter_message(response="utter_lead_not_stored")
            return reset_form_slots(domain)
        form = next(
            (
                e["name"]
                for e in reversed(tracker.events)
                if e.get("event") == "active_loop" and e.get("name") in FORM_LEAD_TYPES
            ),
            "training_form",
        )
        fields = domain["forms"][form]["required_slots"]
        partner = routed_partner(tracker)
        record = LeadRecord(
            lead_type=FORM_LEAD_TYPES[form],
            name=tracker.get_slot("lead_name"),
            email=tracker.get_slot("lead_email"),
            phone=None
            if tracker.get_slot("lead_phone") in (None, "none")
            else tracker.get_slot("lead_phone"),
            details={
                f: tracker.get_slot(f)
                for f in fields
                if f
                not in ("lead_name", "lead_email", "lead_phone", "lead_consent", "lead_confirmed")
            },
            diver_profile={
                s: tracker.get_slot(s) for s in PROFILE_SLOTS if tracker.get_slot(s) is not None
            },
            partner=partner,
            channel=tracker.get_latest_input_channel() or "unknown",
            sender_id=tracker.sender_id,
            client_hash=(tracker.latest_message.get("metadata") or {}).get(CLIENT_METADATA_KEY),
        )
        # The store never loses a confirmed lead: if the database is down it
        # spools the lead to disk and stores it later.
        try:
            await default_lead_store().save(record)
        except LeadLimitReached:
            log_event(logger, "lead_limited", type=record.lead_type)
            dispatcher.utter_message(response="utter_lead_limit_reached")
            return reset_form_slots(domain)
        log_event(
            logger,
            "lead_submitted",
            type=record.lead_type,
            partner=partner.partner_id,
            conversation_id=tracker.sender_id,
        )
        dispatcher.utter_message(response="utter_lead_submitted", partner=partner.name)
        return reset_form_slots(domain)


class ActionCancelLead(Action):
    """Cancel the enquiry: nothing is stored."""

    def name(self) -> str:
        return "action_cancel_lead"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        dispatcher.utter_message(response="utter_lead_cancelled")
        return form_ended(domain)
