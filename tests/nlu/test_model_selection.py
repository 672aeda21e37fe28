"""Choosing the intent classifier's settings by cross-validation (nlu/model_selection.py).

The module imports the Rasa component, so the probe runs in the Rasa
environment (Python 3.10) as a child process and prints what it found.
"""

import json
import subprocess

from dovvybuddy.common.settings import PROJECT_ROOT, load_settings
from dovvybuddy.ops.processes import child_environment

PROBE = """
import json
import numpy as np
from nlu.model_selection import Fallback, Setting, choose, cross_validate, pipeline_fallback

fallback = Fallback(threshold=0.5, ambiguity_threshold=0.1)
classes = np.array(["greet", "goodbye", "affirm"])
probabilities = np.array([[0.9, 0.05, 0.05], [0.45, 0.35, 0.2], [0.5, 0.45, 0.05]])
texts = [f"hello there {n}" for n in range(10)] + [f"bye for now {n}" for n in range(10)]
intents = ["greet"] * 10 + ["goodbye"] * 10
rng = np.random.default_rng(0)
sentences = rng.normal(size=(20, 8)).astype(np.float32)
settings = cross_validate(texts, intents, sentences, [1.0, 20.0], [0.0], [1, 4], fallback)
print(json.dumps({
    "applied": fallback.apply(classes, probabilities),
    "config": [pipeline_fallback().threshold, pipeline_fallback().ambiguity_threshold],
    "cross_validated": {str(s.c): [s.mean, list(s.best_guess_scores)] for s in settings},
    "chosen": [choose([
        Setting(20.0, 2.0, (0.84, 0.85, 0.83, 0.84, 0.84)),
        Setting(2.0, 2.0, (0.84, 0.84, 0.83, 0.84, 0.84)),
        Setting(2.0, 1.0, (0.70, 0.71, 0.70, 0.69, 0.70)),
    ]).c],
}))
"""


def probe() -> dict:
    rasa_python = load_settings().rasa_executable.parent / "python"
    result = subprocess.run(
        [str(rasa_python), "-c", PROBE],
        cwd=PROJECT_ROOT,
        env=child_environment(),
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_selection_scores_what_the_diver_meets_and_prefers_the_simpler_setting():
    found = probe()
    # Sure, unsure (below the threshold) and ambiguous (top two too close).
    assert found["applied"] == ["greet", "nlu_fallback", "nlu_fallback"]
    # The thresholds come from config.yml's FallbackClassifier.
    assert found["config"] == [0.5, 0.1]
    # Two intents told apart by their words: every fold right with either C.
    for mean, best_guess in found["cross_validated"].values():
        assert best_guess == [1.0] * 5
        assert 0.0 <= mean <= 1.0
    # Within one standard error of the best, the most regularised wins.
    assert found["chosen"] == [2.0]
