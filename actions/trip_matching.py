"""Trip matching in the conversation: read the request and profile, answer, prefill the trip form.

The matching itself (season data, ranking, wording) is dovvybuddy/trips/;
this action reads the diver's message and profile slots, asks for the month
when it is missing (once: the request is kept in `trip_request` so "in June"
completes it), and after a match fills the destination, dates, level and
interests the trip enquiry form would otherwise ask for.
"""

from __future__ import annotations

import logging
from dataclasses import asdict
from datetime import date
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.enquiry_start import enquiry_start
from actions.profile import certification_level_named, refuse_uncovered_place
from actions.site_suggestions import known_level, logged_dives
from dovvybuddy.common.json_logging import log_event
from dovvybuddy.leads.travel_dates import parse_date_range
from dovvybuddy.trips.replies import INTEREST_WORDS, TripAnswer, trip_answer
from dovvybuddy.trips.request import MONTH_NAMES, TripRequest, asks_when_to_go, parse_request
from dovvybuddy.trips.seasons import trip_data

logger = logging.getLogger(__name__)


def pending_request(tracker: Tracker) -> TripRequest | None:
    """The request kept while we asked for the month, if any."""
    kept = tracker.get_slot("trip_request")
    if not isinstance(kept, dict):
        return None
    try:
        return TripRequest(**{k: tuple(v) if isinstance(v, list) else v for k, v in kept.items()})
    except TypeError:
        return None


def request_from(tracker: Tracker, today: date) -> tuple[TripRequest, bool]:
    """This message's request, completed by a pending one and the profile, and whether one was."""
    latest = tracker.latest_message or {}
    request = parse_request(latest.get("text") or "", today)
    pending = pending_request(tracker)
    if pending is not None:
        request = request.merged_with(pending)
    level = certification_level_named(latest) or known_level(tracker)
    count = logged_dives(tracker.get_slot("dive_count"))
    return request.with_profile(level, int(count) if count is not None else None), (
        pending is not None
    )


def prefilled_slots(answer: TripAnswer, request: TripRequest, today: date) -> list[EventType]:
    """What "put me in touch" will not need to ask again: destination, dates, level, interests."""
    events: list[EventType] = []
    if answer.destination:
        events.append(SlotSet("destination", answer.destination))
    if request.month:
        # In words ("August 2027"): the form validates prefilled slots when it
        # starts, and its date parser stores them as a range.
        dates = parse_date_range(MONTH_NAMES[request.month - 1], today)
        if dates:
            month_and_year = f"{MONTH_NAMES[request.month - 1]} {dates[0].year}"
            events.append(SlotSet("preferred_dates", month_and_year))
    if request.level:
        events.append(SlotSet("certification_level", request.level))
    if request.interests:
        events.append(SlotSet("interests", ", ".join(INTEREST_WORDS[i] for i in request.interests)))
    return events


class ActionMatchTrip(Action):
    """Where should I go: up to three destinations ranked with reasons, or A versus B."""

    def name(self) -> str:
        return "action_match_trip"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        started = enquiry_start(tracker)
        if started:
            return started
        today = date.today()
        text = (tracker.latest_message or {}).get("text") or ""
        if asks_when_to_go(text, today) and pending_request(tracker) is None:
            # "When is the best time to dive Tioman?" is answered from the guides
            # (the answering action never hands such a question back here).
            return [FollowupAction("action_answer_question")]
        request, was_pending = request_from(tracker, today)
        if not request.destinations and refuse_uncovered_place(dispatcher, tracker):
            return [SlotSet("trip_request", None)]
        answer = trip_answer(trip_data(), request, month_asked_before=was_pending)
        dispatcher.utter_message(text=answer.text)
        log_match(tracker, request, answer)
        # A month question keeps the request, so "in June" completes or narrows it.
        kept = asdict(request) if answer.asked_month else None
        return [SlotSet("trip_request", kept), *prefilled_slots(answer, request, today)]


def log_match(tracker: Tracker, request: TripRequest, answer: TripAnswer) -> None:
    log_event(
        logger,
        "trip_match",
        month=request.month,
        level=request.level,
        interests=list(request.interests),
        compared=list(request.destinations) if request.comparison else [],
        destination=answer.destination,
        asked_month=answer.asked_month,
        conversation_id=tracker.sender_id,
    )
