"""Starting an enquiry the NLU sent elsewhere, and not starting one it only guessed.

"Can a centre contact me?" read as a knowledge question, a profile note or a
trip-matching request would get an answer nobody asked for and no enquiry.
The actions that receive such messages start the form instead when the words
unmistakably ask for contact or a booking (dovvybuddy/leads/enquiry_requests.py).

The other way round, "planning a trip in November, good time?" read as a lead
request would get "What's your name?" in place of an answer: a question the
NLU was unsure was a request, and whose words ask nothing of a dive centre,
is answered instead (`guessed_enquiry`).
"""

from __future__ import annotations

import re

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, FollowupAction

from dovvybuddy.leads.enquiry_requests import TRAINING_FORM, TRIP_FORM, requested_enquiry

# Safety first, and what ends or repairs a conversation is never an enquiry.
_NEVER_AN_ENQUIRY = frozenset(
    {
        "emergency",
        "medical_question",
        "dive_plan_request",
        "prompt_injection",
        "ask_safety_question",
        "stop",
        "deny",
        "goodbye",
        "non_english",
    }
)


def enquiry_start(tracker: Tracker) -> list[EventType] | None:
    """The enquiry form to run next, if the message asks for one and none is running."""
    if tracker.active_loop_name:
        return None
    message = tracker.latest_message or {}
    if (message.get("intent") or {}).get("name") in _NEVER_AN_ENQUIRY:
        return None
    form = requested_enquiry(str(message.get("text") or ""))
    return [FollowupAction(form)] if form else None


SURE_REQUEST = 0.7
"""Below this confidence a lead intent on a question is only the NLU's guess."""
_LEAD_INTENTS = frozenset({"request_trip_lead", "request_training_lead"})
_QUESTION = re.compile(
    r"\?|^\W*(?:how|what|when|where|which|why|is|are|can|could|should|do|does)\b"
)


def guessed_enquiry(tracker: Tracker) -> bool:
    """Whether the message that opened the form is a question the NLU only guessed
    was a request for an enquiry (unsure, and no words asking for contact or a booking)."""
    message = tracker.latest_message or {}
    intent = message.get("intent") or {}
    text = str(message.get("text") or "")
    return (
        intent.get("name") in _LEAD_INTENTS
        and float(intent.get("confidence") or 0.0) < SURE_REQUEST
        and _QUESTION.search(text.lower()) is not None
        and requested_enquiry(text) is None
    )


def other_enquiry(tracker: Tracker, form: str) -> str | None:
    """The training form, when the message that opened the trip form unmistakably
    asks for a course ("connect me with a centre for my AOW in July"). Never the
    other way: a message with no course word reads as a trip by default."""
    message = tracker.latest_message or {}
    if form != TRIP_FORM or (message.get("intent") or {}).get("name") not in _LEAD_INTENTS:
        return None
    wanted = requested_enquiry(str(message.get("text") or ""))
    return TRAINING_FORM if wanted == TRAINING_FORM else None
