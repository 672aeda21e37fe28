"""Choose the intent classifier's settings by cross-validation on the training data.

`make nlu-selection` (runs in the Rasa environment, which has the NumPy
MiniLM): every intent example of `data/nlu/` is embedded once, then each
setting of the grid (the logistic regression's C and the weight of the
sentence vector next to the n-grams) is scored by stratified 5-fold
cross-validation, the TF-IDF vectorizers fitted on the training folds only,
exactly as `nlu/intent_classifier.py` builds its rows (`feature_matrix`).

The held-out `eval/data/nlu_test.yml` is not read here: it scores the chosen
pipeline once, at the end (`make eval-nlu`). The choice rule is the one
standard error rule: among the settings whose mean macro-F1 (with the
fallback) is within one standard error of the best, the most regularised (smallest C), then the
smallest sentence weight. Writes `reports/nlu_selection.json` with every
setting's mean and spread, the choice and the data it was made on.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import yaml
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score
from sklearn.model_selection import StratifiedKFold

from dovvybuddy.common.reports import write_report
from dovvybuddy.knowledge.minilm import MiniLM
from nlu.intent_classifier import (
    MAX_ITERATIONS,
    NgramMeaningIntentClassifier,
    feature_matrix,
    fit_vectorizers,
)

PROJECT_ROOT = Path(__file__).resolve().parent.parent
PIPELINE_CONFIG = PROJECT_ROOT / "config.yml"
FALLBACK_INTENT = "nlu_fallback"
TRAINING_DATA = PROJECT_ROOT / "data" / "nlu"
REPORT_FILE = PROJECT_ROOT / "reports" / "nlu_selection.json"
C_GRID = (2.0, 5.0, 20.0, 80.0)
SENTENCE_WEIGHT_GRID = (0.0, 1.0, 2.0, 3.0)
FOLDS = 5
SEED = 2026


@dataclass(frozen=True)
class Setting:
    """One point of the grid and its cross-validated macro-F1 per fold, with
    the fallback (`fold_scores`) and of the best guess alone."""

    c: float
    sentence_weight: float
    fold_scores: tuple[float, ...]
    best_guess_scores: tuple[float, ...] = ()

    @property
    def mean(self) -> float:
        return float(np.mean(self.fold_scores))

    @property
    def standard_error(self) -> float:
        return float(np.std(self.fold_scores, ddof=1) / np.sqrt(len(self.fold_scores)))


@dataclass(frozen=True)
class Fallback:
    """config.yml's FallbackClassifier: below `threshold`, or with the top two
    closer than `ambiguity_threshold`, a message becomes nlu_fallback."""

    threshold: float
    ambiguity_threshold: float

    def apply(self, classes: np.ndarray, probabilities: np.ndarray) -> list[str]:
        order = np.argsort(-probabilities, axis=1)
        rows = np.arange(len(probabilities))
        best = probabilities[rows, order[:, 0]]
        second = probabilities[rows, order[:, 1]]
        unsure = (best < self.threshold) | (best - second < self.ambiguity_threshold)
        return [FALLBACK_INTENT if unsure[row] else str(classes[order[row, 0]]) for row in rows]


def pipeline_fallback(path: Path = PIPELINE_CONFIG) -> Fallback:
    """The FallbackClassifier's thresholds as config.yml sets them."""
    pipeline = yaml.safe_load(path.read_text())["pipeline"]
    component = next(c for c in pipeline if c["name"] == "FallbackClassifier")
    return Fallback(component["threshold"], component["ambiguity_threshold"])


def intent_examples(data_dir: Path = TRAINING_DATA) -> list[tuple[str, str]]:
    """(text, intent) of every intent example in the training data, as Rasa reads it."""
    from rasa.shared.nlu.training_data.loading import load_data

    training_data = load_data(str(data_dir))
    return [
        (example.get("text"), example.get("intent"))
        for example in training_data.intent_examples
        if example.get("text") and example.get("intent")
    ]


def cross_validate(
    texts: list[str],
    intents: list[str],
    sentences: np.ndarray,
    c_grid: Sequence[float],
    weight_grid: Sequence[float],
    char_ngram_range: list[int],
    fallback: Fallback,
    folds: int = FOLDS,
) -> list[Setting]:
    """Macro-F1 per fold for every (C, sentence weight), on the same folds."""
    splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=SEED)
    labels = np.array(intents)
    scores: dict[tuple[float, float], list[float]] = {
        (c, w): [] for c in c_grid for w in weight_grid
    }
    best_guess: dict[tuple[float, float], list[float]] = {key: [] for key in scores}
    for train_rows, test_rows in splitter.split(texts, labels):
        train_texts = [texts[i] for i in train_rows]
        test_texts = [texts[i] for i in test_rows]
        vectorizers = fit_vectorizers(train_texts, char_ngram_range)
        for weight in weight_grid:
            train_matrix = feature_matrix(vectorizers, train_texts, sentences[train_rows], weight)
            test_matrix = feature_matrix(vectorizers, test_texts, sentences[test_rows], weight)
            for c in c_grid:
                classifier = LogisticRegression(C=c, max_iter=MAX_ITERATIONS)
                classifier.fit(train_matrix, labels[train_rows])
                probabilities = classifier.predict_proba(test_matrix)
                gold = labels[test_rows]
                guesses = classifier.classes_[np.argmax(probabilities, axis=1)]
                best_guess[(c, weight)].append(macro_f1(gold, guesses))
                scores[(c, weight)].append(
                    macro_f1(gold, fallback.apply(classifier.classes_, probabilities))
                )
    return [
        Setting(c, w, tuple(fold), tuple(best_guess[(c, w)])) for (c, w), fold in scores.items()
    ]


def macro_f1(gold: Sequence[str], predicted: Sequence[str]) -> float:
    """Macro-F1 over the intents of `gold` (a fallback is wrong for every intent)."""
    return float(f1_score(gold, predicted, labels=sorted(set(gold)), average="macro"))


def choose(settings: list[Setting]) -> Setting:
    """The one standard error rule: the simplest setting within one SE of the best mean."""
    best = max(settings, key=lambda s: s.mean)
    close = [s for s in settings if s.mean >= best.mean - best.standard_error]
    return min(close, key=lambda s: (s.c, s.sentence_weight))


def data_fingerprint(examples: list[tuple[str, str]]) -> str:
    """A short hash of the examples the choice was made on."""
    digest = hashlib.sha256()
    for text, intent in sorted(examples):
        digest.update(f"{intent}\t{text}\n".encode())
    return digest.hexdigest()[:16]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--report", type=Path, default=REPORT_FILE)
    args = parser.parse_args(argv)

    started = time.monotonic()
    examples = intent_examples()
    texts = [text for text, _ in examples]
    intents = [intent for _, intent in examples]
    sentences = np.stack([embedding.sentence for embedding in MiniLM().embed(texts)])
    defaults = NgramMeaningIntentClassifier.get_default_config()
    fallback = pipeline_fallback()
    settings = cross_validate(
        texts,
        intents,
        sentences,
        C_GRID,
        SENTENCE_WEIGHT_GRID,
        defaults["char_ngram_range"],
        fallback,
    )
    chosen = choose(settings)
    report = {
        "method": (
            f"stratified {FOLDS}-fold cross-validation on the training data (seed {SEED}); "
            "macro-F1 over intents after config.yml's FallbackClassifier "
            f"(threshold {fallback.threshold}, ambiguity {fallback.ambiguity_threshold}; "
            "a fallback counts as wrong); one standard error rule, then smallest C and weight"
        ),
        "data": {
            "source": "data/nlu (intent examples only; eval/data/nlu_test.yml not read)",
            "examples": len(examples),
            "intents": len(set(intents)),
            "sha256_16": data_fingerprint(examples),
        },
        "grid": [
            {
                "C": s.c,
                "sentence_weight": s.sentence_weight,
                "macro_f1_mean": round(s.mean, 4),
                "macro_f1_standard_error": round(s.standard_error, 4),
                "best_guess_macro_f1_mean": round(float(np.mean(s.best_guess_scores)), 4),
            }
            for s in sorted(settings, key=lambda s: -s.mean)
        ],
        "chosen": {"C": chosen.c, "sentence_weight": chosen.sentence_weight},
        "in_use": {"C": defaults["C"], "sentence_weight": defaults["sentence_weight"]},
        "seconds": round(time.monotonic() - started, 1),
    }
    write_report(args.report, report)
    print(f"{len(examples)} examples, {len(set(intents))} intents, {FOLDS}-fold cross-validation")
    for row in report["grid"]:
        print(
            f"  C={row['C']:<5} sentence_weight={row['sentence_weight']:<4} "
            f"macro-F1 {row['macro_f1_mean']:.4f} ± {row['macro_f1_standard_error']:.4f} "
            f"(best guess alone {row['best_guess_macro_f1_mean']:.4f})"
        )
    print(f"chosen: C={chosen.c} sentence_weight={chosen.sentence_weight}")
    print(f"in use: C={defaults['C']} sentence_weight={defaults['sentence_weight']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
