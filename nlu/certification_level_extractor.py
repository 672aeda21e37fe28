"""A Rasa NLU component that makes certification levels deterministic.

DIET tags levels word by word, so "I'm advanced open water" can come out as
two entities, "advanced" and "open water", and a slot filled from entities
keeps the last one: the diver became Open Water. This component runs after
every extractor and the synonym mapper and:

- replaces DIET's level entities with the mentions found by the phrase rules
  of `dovvybuddy.knowledge.certification_levels` (the longest mention wins, every
  agency's spelling maps to one level code, a negated mention such as "not
  advanced yet" is no level at all);
- drops any entity that lies inside a longer entity of the same type (a
  lookup's "Paku" inside "Paku Besar").

It is a pipeline component rather than a fix where slots are set because the
entities are what every consumer reads: the slot mappings in domain.yml, the
forms and the actions all see the same single level, and `/model/parse`
shows what the bot understood.
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

from dovvybuddy.knowledge import certification_levels
from nlu import level_entities, source_fingerprint
from nlu.level_entities import resolve_entities


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR, is_trainable=False)
class CertificationLevelExtractor(GraphComponent, EntityExtractorMixin):
    """Certification levels by phrase rules; the longest overlapping entity wins."""

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> CertificationLevelExtractor:
        return cls()

    @classmethod
    def fingerprint_addon(cls, config: dict[str, Any]) -> str:
        return source_fingerprint(certification_levels, level_entities, sys.modules[__name__])

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            entities = resolve_entities(message.get(TEXT) or "", message.get(ENTITIES) or [])
            message.set(ENTITIES, entities, add_to_output=True)
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data
