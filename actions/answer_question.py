"""Answering open questions and messages the NLU could not place."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher


class ActionAnswerQuestion(Action):
    """Answer a question DovvyBuddy has no dedicated flow for.

    For now it says honestly that it did not understand and lists what it can
    help with; retrieval from the knowledge base will answer here instead.
    """

    def name(self) -> str:
        return "action_answer_question"

    async def run(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: dict[str, Any],
    ) -> list[dict[str, Any]]:
        dispatcher.utter_message(response="utter_did_not_understand")
        dispatcher.utter_message(response="utter_capabilities")
        return []
