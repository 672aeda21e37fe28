"""A Rasa NLU component that makes safety win over the classifier.

It runs last in the pipeline (after DIET and the FallbackClassifier) and asks
the deterministic phrase rules in `nlu.safety.rules` whether a message is
an emergency, a medical question, a dive-plan request or an injection attempt.
When they say so, that becomes the intent, whatever the classifier guessed:
a misclassified emergency still gets emergency guidance. An emergency the
classifier found is never downgraded by a weaker safety category.

Graded safety: when the rules find that an alarming-sounding message only
asks about a danger, voices a "what if" worry or asks about age or swimming
for a course (`GRADED_CATEGORIES`), that intent replaces an emergency,
medical or dive-plan guess; a question about a danger always gets
`ask_safety_question`, whose answer ends with the emergency numbers. A
classifier's dive-plan guess on a request to plan a dive trip gives way to
the best intent outside safety.

The other way round, a safety intent that only the classifier saw must be
confident: single words such as the name "Ben" look like "bends" to a
character n-gram model, and a diver typing their name into a form must not
get emergency guidance. Such a weak guess becomes `nlu_fallback`.
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

from dovvybuddy.knowledge.vocabulary import GRADED_CATEGORIES, SAFETY_CATEGORIES
from nlu.safety.grading import trip_planning
from nlu.safety.normalisation import normalise
from nlu.safety.rules import match_safety

logger = logging.getLogger(__name__)

# Measured with DIET and again with the logistic-regression classifier: real
# emergencies the classifier recognises score ~1.0; the false alarms seen on
# names and ordinary talk scored 0.85 and below ("Ben" and "Benny" share
# character n-grams with "bends").
CLASSIFIER_ONLY_MIN_CONFIDENCE = 0.9
FALLBACK_INTENT = "nlu_fallback"
SAFETY_QUESTION_INTENT = "ask_safety_question"
# A trip-planning request the classifier called a dive plan, with no better
# guess in its ranking, is most likely a trip enquiry.
TRIP_INTENT = "request_trip_lead"


def _priority(intent_name: str | None) -> int:
    """Lower is more urgent; intents outside safety come last."""
    if intent_name in SAFETY_CATEGORIES:
        return SAFETY_CATEGORIES.index(intent_name)
    return len(SAFETY_CATEGORIES)


def _best_outside_safety(message: Message) -> str:
    """The classifier's best guess that is neither a safety intent nor the fallback."""
    for entry in message.get(INTENT_RANKING_KEY) or []:
        if entry.get("name") not in (*SAFETY_CATEGORIES, FALLBACK_INTENT):
            return str(entry["name"])
    return TRIP_INTENT


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class SafetyLayer(GraphComponent, IntentClassifier):
    """Overrides the intent when the safety phrase rules match."""

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
    ) -> SafetyLayer:
        return cls()

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            text = message.get(TEXT) or ""
            match = match_safety(text)
            intent = message.get(INTENT) or {}
            current = intent.get("name")
            if match is not None and match.category in GRADED_CATEGORIES:
                # A "what if" worry the classifier took for a question still
                # goes to the fear flow.
                if match.category == SAFETY_QUESTION_INTENT or current in (
                    *SAFETY_CATEGORIES,
                    FALLBACK_INTENT,
                    SAFETY_QUESTION_INTENT,
                ):
                    self._set_intent(message, match.category, 1.0)
                    logger.info("safety layer: graded %s replaces %s", match.category, current)
            elif (
                match is None and current == "dive_plan_request" and trip_planning(normalise(text))
            ):
                self._set_intent(message, _best_outside_safety(message), 1.0)
                logger.info("safety layer: a trip plan is not a dive plan")
            elif match is not None and _priority(match.category) < _priority(current):
                self._set_intent(message, match.category, 1.0)
                logger.info("safety layer: %s overrides %s", match.category, current)
            elif (
                match is None
                and current in SAFETY_CATEGORIES
                and (intent.get("confidence") or 0.0) < CLASSIFIER_ONLY_MIN_CONFIDENCE
            ):
                self._set_intent(message, FALLBACK_INTENT, intent.get("confidence") or 0.0)
                logger.info("safety layer: weak %s becomes %s", current, FALLBACK_INTENT)
        return messages

    @staticmethod
    def _set_intent(message: Message, name: str, confidence: float) -> None:
        chosen = {"name": name, "confidence": confidence}
        ranking = [e for e in message.get(INTENT_RANKING_KEY) or [] if e.get("name") != name]
        message.set(INTENT, chosen, add_to_output=True)
        message.set(INTENT_RANKING_KEY, [chosen, *ranking], add_to_output=True)

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data
