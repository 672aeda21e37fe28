"""A Rasa NLU component: drops a `destination` entity inside a name the diver gives.

The rule is nlu/name_phrases.py's; this runs it after every extractor.
"""

from __future__ import annotations

import sys
from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from nlu import name_phrases, source_fingerprint
from nlu.name_phrases import without_places_in_names


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR, is_trainable=False)
class NamePhraseFilter(GraphComponent, EntityExtractorMixin):
    """Drops `destination` entities inside a name the diver gives."""

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> NamePhraseFilter:
        return cls()

    @classmethod
    def fingerprint_addon(cls, config: dict[str, Any]) -> str:
        return source_fingerprint(name_phrases, sys.modules[__name__])

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            entities = message.get(ENTITIES) or []
            kept = without_places_in_names(message.get(TEXT) or "", entities)
            if len(kept) != len(entities):
                message.set(ENTITIES, kept, add_to_output=True)
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data
