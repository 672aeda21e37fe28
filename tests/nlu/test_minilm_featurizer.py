"""The MiniLM featurizer inside Rasa: one vector per Rasa token plus a sentence vector.

The component imports Rasa, so it runs in the Rasa environment (Python 3.10)
as a child process; the test compares its output with the encoder's.
"""

import json
import subprocess

import numpy as np

from dovvybuddy.common.settings import PROJECT_ROOT, load_settings
from dovvybuddy.knowledge.minilm import MiniLM
from dovvybuddy.ops.processes import child_environment

TEXTS = ["I'm AOW with ~40 dives, scared of sharks!", "hi", "🐠🐠", "plongée à Tioman"]

PROBE = """
import json, sys
from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer
from rasa.shared.nlu.training_data.message import Message
from nlu.minilm_featurizer import MiniLMFeaturizer

tokenizer = WhitespaceTokenizer(WhitespaceTokenizer.get_default_config())
featurizer = MiniLMFeaturizer(MiniLMFeaturizer.get_default_config(), "minilm")
messages = [Message.build(text=text) for text in json.loads(sys.argv[1])]
tokenizer.process(messages)
featurizer.process(messages)
result = []
for message in messages:
    sequence, sentence = message.get_dense_features("text")
    result.append({
        "tokens": [[token.start, token.end] for token in message.get("text_tokens")],
        "sequence": sequence.features.tolist(),
        "sentence": sentence.features.tolist(),
        "origins": [feature.origin for feature in message.features if feature.is_dense()],
    })
print(json.dumps(result))
"""


def test_features_line_up_with_rasa_tokens_and_match_the_encoder():
    rasa_python = load_settings().rasa_executable.parent / "python"
    completed = subprocess.run(
        [str(rasa_python), "-c", PROBE, json.dumps(TEXTS)],
        cwd=PROJECT_ROOT,
        env=child_environment({"PYTHONPATH": str(PROJECT_ROOT)}),
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    results = json.loads(completed.stdout.strip().splitlines()[-1])
    encoder = MiniLM()
    for text, result, embedding in zip(TEXTS, results, encoder.embed(TEXTS), strict=True):
        sequence = np.array(result["sequence"])
        assert sequence.shape == (len(result["tokens"]), encoder.dimensions), text
        assert np.allclose(
            sequence, embedding.span_vectors([tuple(span) for span in result["tokens"]]), atol=1e-4
        )
        assert np.allclose(np.array(result["sentence"])[0], embedding.sentence, atol=1e-5)
        assert np.abs(sequence).sum(axis=1).min() > 0, f"a token of {text!r} got no word pieces"
        # Named, so a `featurizers:` filter on DIET can select them.
        assert result["origins"] == ["minilm", "minilm"]
