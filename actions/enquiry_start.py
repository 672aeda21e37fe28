"""Starting an enquiry the NLU sent elsewhere.

"Can a centre contact me?" read as a knowledge question, a profile note or a
trip-matching request would get an answer nobody asked for and no enquiry.
The actions that receive such messages start the form instead when the words
unmistakably ask for contact or a booking (dovvybuddy/leads/enquiry_requests.py).
"""

from __future__ import annotations

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, FollowupAction

from dovvybuddy.leads.enquiry_requests import requested_enquiry

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
