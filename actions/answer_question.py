"""The answering action: knowledge questions and messages the NLU could not place."""

from __future__ import annotations

import logging
from datetime import date
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import FollowupAction
from rasa_sdk.executor import CollectingDispatcher

from actions.enquiry_start import enquiry_start
from actions.profile import (
    PROFILE_SLOTS,
    covered_destination_named,
    refuse_uncovered_place,
    remembered_destination,
)
from actions.trip_matching import ActionMatchTrip
from dovvybuddy.answering.answerer import default_answerer
from dovvybuddy.answering.gemini import ConversationContext
from dovvybuddy.trips.request import asks_when_to_go, is_trip_request

logger = logging.getLogger(__name__)

HISTORY_TURNS = 6
# Questions whose answer depends on where the diver is going.
PLACE_INTENTS = frozenset({"ask_destination", "ask_dive_site", "request_site_suggestion"})
# Intents whose topic the knowledge base covers, and the documents that do.
TOPIC_KINDS = {"express_fear": ["comfort"]}


def destination_in_focus(tracker: Tracker) -> str | None:
    """The covered destination a place question is about, if the conversation says.

    Named in this message, or, for place questions, remembered from earlier.
    """
    message = tracker.latest_message or {}
    named = covered_destination_named(message)
    if named:
        return named
    if (message.get("intent") or {}).get("name") in PLACE_INTENTS:
        return remembered_destination(tracker)
    return None


def conversation_context(tracker: Tracker) -> ConversationContext:
    """The diver's profile slots and the last few turns, for the answer writer."""
    profile = {
        slot: str(tracker.get_slot(slot))
        for slot in PROFILE_SLOTS
        if tracker.get_slot(slot) not in (None, "")
    }
    turns = [
        ("user" if event["event"] == "user" else "model", event.get("text") or "")
        for event in tracker.events
        if event.get("event") in ("user", "bot") and event.get("text")
    ]
    # The last user turn is the question itself; it is sent separately.
    return ConversationContext(profile=profile, history=turns[:-1][-HISTORY_TURNS:])


QUESTION_OPENINGS = frozenset(
    "how what why when where which who whats hows can could is are do does did should "
    "will would may must".split()
)


def is_phrased_as_a_question(text: str) -> bool:
    """A question the guides cannot answer was understood; gibberish was not."""
    words = text.lower().split()
    return text.rstrip().endswith("?") or bool(words and words[0] in QUESTION_OPENINGS)


class ActionAnswerQuestion(Action):
    """Answer from the knowledge base, or say honestly that it has no answer."""

    def name(self) -> str:
        return "action_answer_question"

    async def run(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: dict[str, Any],
    ) -> list[dict[str, Any]]:
        message = tracker.latest_message or {}
        question = (message.get("text") or "").strip()
        started = enquiry_start(tracker)
        if started:
            return started
        if refuse_uncovered_place(dispatcher, tracker):
            return []
        # "Where should I go in June?" placed here by the NLU is trip matching,
        # run as its own action so the conversation (and the insights) show it.
        if is_trip_request(question, date.today()) and not asks_when_to_go(question, date.today()):
            return [FollowupAction(ActionMatchTrip().name())]
        try:
            answer = await default_answerer().answer(
                question,
                conversation_context(tracker),
                tracker.sender_id,
                destination=destination_in_focus(tracker),
                topic_kinds=TOPIC_KINDS.get((message.get("intent") or {}).get("name")),
            )
        except Exception:  # the diver gets a polite reply; the log gets the trace
            logger.exception("answering failed")
            dispatcher.utter_message(response="utter_answer_unavailable")
            return []
        if answer:
            dispatcher.utter_message(text=answer)
        elif (message.get("intent") or {}).get(
            "name"
        ) == "nlu_fallback" and not is_phrased_as_a_question(question):
            dispatcher.utter_message(response="utter_did_not_understand")
            dispatcher.utter_message(response="utter_capabilities")
        else:
            dispatcher.utter_message(response="utter_no_knowledge")
        return []
