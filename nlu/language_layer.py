"""A Rasa NLU component for messages in other languages (rules in `nlu.languages`).

It runs after the FallbackClassifier and before the SafetyLayer, so an
emergency in any language the safety rules know still wins:

- a message that is only a greeting, a thank-you or a goodbye, in any of the
  languages `nlu.languages` knows, gets `greet`, `thanks` or `goodbye`;
- a message written in another language gets `non_english` (a polite reply,
  in English, that DovvyBuddy answers in English), unless the classifier
  confidently read it as one of the flows that work whatever the language
  (a lead request, a fear, a bot challenge);
- the classifier's own `non_english` guess on a message with English words
  in it gives way to its next guess.
"""

from __future__ import annotations

import logging
from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from nlu.languages import NEXT_GUESS, NON_ENGLISH_INTENT, relabel

logger = logging.getLogger(__name__)

FALLBACK_INTENT = "nlu_fallback"


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class LanguageLayer(GraphComponent, IntentClassifier):
    """Greetings, thanks and goodbyes in any language; other languages told we answer in English."""

    @classmethod
    def required_components(cls) -> list[type]:
        return [IntentClassifier]

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> LanguageLayer:
        return cls()

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            intent = message.get(INTENT) or {}
            current = intent.get("name")
            confidence = float(intent.get("confidence") or 0.0)
            new = relabel(message.get(TEXT) or "", current, confidence)
            if new == NEXT_GUESS:
                new, confidence = self._next_guess(message)
            elif new:
                confidence = 1.0
            if new:
                self._set_intent(message, new, confidence)
                logger.info("language layer: %s replaces %s", new, current)
        return messages

    @staticmethod
    def _next_guess(message: Message) -> tuple[str, float]:
        for entry in message.get(INTENT_RANKING_KEY) or []:
            if entry.get("name") not in (NON_ENGLISH_INTENT, FALLBACK_INTENT):
                return str(entry["name"]), float(entry.get("confidence") or 0.0)
        return FALLBACK_INTENT, 0.0

    @staticmethod
    def _set_intent(message: Message, name: str, confidence: float) -> None:
        chosen = {"name": name, "confidence": confidence}
        ranking = [e for e in message.get(INTENT_RANKING_KEY) or [] if e.get("name") != name]
        message.set(INTENT, chosen, add_to_output=True)
        message.set(INTENT_RANKING_KEY, [chosen, *ranking], add_to_output=True)

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data
