"""A message in the middle of an enquiry that the NLU read as a question.

The forms' rules (data/rules/leads.yml) answer a question asked mid-form and
then resume the form, but only when the form rejects the message. A question
naming a place ("do I need Advanced to dive Sipadan itself?") used to fill
the destination slot from its entity, or from its whole text while the
destination was asked, so the form took it for an answer and the question
went unanswered: here it is handed back to the rules. The other way round,
an answer the NLU took for a question ("Wan Azlan" or "Vesak Day long
weekend" read as a destination question) is the answer to the question
asked when it asks nothing and the field's validator takes it (a name only
when the place the NLU saw in it is no known place).
"""

from __future__ import annotations

import re
from typing import Any

from rasa_sdk import FormValidationAction, Tracker
from rasa_sdk.events import ActionExecutionRejected, EventType, SlotSet

from actions.conversation_repair import undo_this_message, validated
from dovvybuddy.knowledge.places import PlaceKind, classify_place_name, classify_places
from dovvybuddy.leads.corrections import FREE_TEXT_FIELDS
from dovvybuddy.leads.repair_replies import LABELS

# The intents the forms' rules answer in the middle of a form.
DIGRESSION_INTENTS = frozenset(
    {
        "ask_certification",
        "ask_equivalency",
        "ask_destination",
        "ask_dive_site",
        "ask_diving_question",
        "express_fear",
        "bot_challenge",
        "ask_safety_question",
        "medical_question",
        "dive_plan_request",
        "prompt_injection",
        "request_site_suggestion",
    }
)
# Never taken for a form's answer: safety comes first.
SAFETY_INTENTS = frozenset(
    {"ask_safety_question", "medical_question", "dive_plan_request", "prompt_injection"}
)
# Questions the NLU reads from a place's name: a name it took for a place lands here.
PLACE_INTENTS = frozenset({"ask_destination", "ask_dive_site"})
_ASKS = re.compile(
    r"^\W*(?:what|what's|whats|which|where|when|why|how|who|is|are|am|was|were|do|does|did|"
    r"can|could|should|would|will|shall|any|anything|tell me|random q|quick q|btw|by the way|"
    r"i wonder|wondering)\b"
)
_KNOWN_PLACE = frozenset({PlaceKind.COVERED, PlaceKind.UNCOVERED, PlaceKind.ORIGIN})


def asks_something(text: str) -> bool:
    """Whether a message is worded as a question ("is Redang good for turtles?")."""
    lowered = (text or "").strip().lower()
    return "?" in lowered or _ASKS.search(lowered) is not None


# Words of a sentence, not of a name: "I'm scared of sharks" is no name.
_SENTENCE_WORDS = frozenset(
    "i i'm im me my we we're us you your he she it is are am was be the a an to of and or in "
    "on at for with about from what how can could do does want like go going scared afraid "
    "nervous worried not no yes please pls thanks thank dive dives diving trip there here "
    "this that".split()
)
_NAME_WORD = re.compile(r"^[^\W\d_][\w'’.-]*$")


def name_like(text: str) -> bool:
    """Whether an answer reads as a person's name: a few words, none a sentence's."""
    words = text.split()
    return 1 <= len(words) <= 5 and all(
        _NAME_WORD.match(word) and word.lower().strip(".") not in _SENTENCE_WORDS for word in words
    )


def names_no_known_place(message: dict[str, Any]) -> bool:
    """Whether neither the words nor the NLU's destination entities name a real place."""
    text = str(message.get("text") or "")
    if any(mention.kind in _KNOWN_PLACE for mention in classify_places(text)):
        return False
    return all(
        classify_place_name(str(entity.get("value") or "")).kind not in _KNOWN_PLACE
        for entity in message.get("entities") or []
        if entity.get("entity") == "destination"
    )


async def question_events(
    form: FormValidationAction, tracker: Tracker, domain: dict[str, Any]
) -> list[EventType] | None:
    """Events for a question-like message mid-form: a rejection that hands it to the
    rules, the answer the NLU took for a question (for the form to validate), or None
    when the form goes on as usual."""
    requested = tracker.get_slot("requested_slot")
    message = tracker.latest_message or {}
    intent = intent_of(message)
    if requested is None or intent not in DIGRESSION_INTENTS:
        return None
    if handled_since_message(tracker):
        # The form resumes after the rules answered the message.
        return None
    text = str(message.get("text") or "").strip()
    answered = requested in tracker.slots_to_validate()
    if (
        not answered
        and not asks_something(text)
        and intent not in SAFETY_INTENTS
        and requested in LABELS
        and requested != "destination"
        and await _answers(form, requested, text, message, tracker, domain)
    ):
        # "Wan Azlan" answers "What's your name?", "Vesak Day long weekend" the
        # dates question, whatever the NLU made of them.
        return [SlotSet(requested, text)]
    if answered and not asks_something(text):
        return None
    # Nothing this message set is kept: the rules answer it and the form asks again.
    return [*undo_this_message(tracker), ActionExecutionRejected(form_name(tracker))]


async def _answers(
    form: FormValidationAction,
    requested: str,
    text: str,
    message: dict[str, Any],
    tracker: Tracker,
    domain: dict[str, Any],
) -> bool:
    """Whether a message the NLU read as a question is an answer to the field asked.

    Free text answers anything, so only a name the NLU took for a place counts
    there; another field's own validator must accept the words.
    """
    if requested == "lead_name":
        # Names from many cultures are places too ("Jordan Lee"): a name-like
        # answer counts unless it is only a covered destination's name.
        place = classify_place_name(text)
        only_a_destination = place.kind is PlaceKind.COVERED and place.text.lower() == text.lower()
        return intent_of(message) in PLACE_INTENTS and name_like(text) and not only_a_destination
    if requested in FREE_TEXT_FIELDS:
        return intent_of(message) in PLACE_INTENTS and names_no_known_place(message)
    return (await validated(form, requested, text, tracker, domain)).get(requested) is not None


def handled_since_message(tracker: Tracker) -> bool:
    """Whether an action other than the form ran after the latest message (Rasa marks
    the form's own run in the tracker its validation gets)."""
    events = tracker.events
    latest_user = max((i for i, e in enumerate(events) if e.get("event") == "user"), default=-1)
    own = {tracker.active_loop_name, "action_listen", "action_extract_slots"}
    return any(
        e.get("event") == "action" and e.get("name") not in own for e in events[latest_user + 1 :]
    )


def hands_over(events: list[EventType]) -> bool:
    """Whether `question_events` handed the message to the rules."""
    return any(event.get("event") == "action_execution_rejected" for event in events)


def intent_of(message: dict[str, Any]) -> str | None:
    return (message.get("intent") or {}).get("name")


def form_name(tracker: Tracker) -> str:
    return tracker.active_loop_name or "trip_form"
