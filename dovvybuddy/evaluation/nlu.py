"""NLU benchmark: `make eval-nlu`.

Evaluates the trained model on the held-out eval/data/nlu_test.yml (never used in
training) with `rasa test nlu`, then runs 5-fold cross-validation on the
training data, and prints and writes reports/nlu.json: accuracy, macro-F1,
per-intent F1, the most frequent confusions, entity F1 and emergency recall.

`--compare` trains the NLU of config.yml and of each alternative pipeline in
eval/nlu_pipelines/ on the same data, scores each on the held-out set, and
writes reports/nlu_pipelines.json: the measurement config.yml was chosen by.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import yaml

from dovvybuddy.common.reports import provenance, write_report
from dovvybuddy.common.settings import PROJECT_ROOT, load_settings
from dovvybuddy.ops.processes import child_environment
from dovvybuddy.ops.training import train_if_changed

TEST_SET = PROJECT_ROOT / "eval" / "data" / "nlu_test.yml"
REPORT_FILE = PROJECT_ROOT / "reports" / "nlu.json"
PIPELINES_DIR = PROJECT_ROOT / "eval" / "nlu_pipelines"
PIPELINES_REPORT_FILE = PROJECT_ROOT / "reports" / "nlu_pipelines.json"
TRAIN_SECONDS_NOTE = (
    "nlu_train_seconds share Rasa's training cache: a component configured as in an "
    "earlier pipeline is restored, not retrained (make bench times a full training)"
)
RESULTS_DIR = PROJECT_ROOT / "var" / "results"
# `[text](entity)` and `[text]{"entity": ...}` annotations in Rasa's NLU examples.
_ANNOTATION = re.compile(r"\[([^\]]*)\](\([^)]*\)|\{[^}]*\})")


def load_test_examples(path: Path = TEST_SET) -> list[tuple[str, str]]:
    """(text, intent) for every example of a Rasa NLU file, annotations reduced to their text."""
    examples = []
    for entry in yaml.safe_load(path.read_text())["nlu"]:
        if "intent" not in entry:
            continue
        for line in str(entry["examples"]).splitlines():
            if line.strip().startswith("- "):
                examples.append((_ANNOTATION.sub(r"\1", line.strip()[2:]).strip(), entry["intent"]))
    return examples


def scored_intent(parse: dict) -> str:
    """The intent `rasa test nlu` scores for a /model/parse result: a fallback is
    undone to the classifier's best guess (Rasa's rule, so the gate and
    reports/nlu.json measure the same thing)."""
    ranking = parse.get("intent_ranking") or []
    if parse["intent"]["name"] == "nlu_fallback" and len(ranking) >= 2:
        return ranking[1]["name"]
    return parse["intent"]["name"]


def macro_f1(gold: list[str], predicted: list[str]) -> float:
    """Macro-averaged F1 over the labels of the test set, as Rasa's intent report
    computes it (`rasa.model_testing.get_evaluation_metrics` passes the gold
    labels to scikit-learn's classification_report). A wrong prediction of a
    label the test set does not have (`nlu_fallback`, `non_english`) lowers the
    gold label's recall; it is not a class of its own with F1 0."""
    labels = sorted(set(gold))
    total = 0.0
    for label in labels:
        hits = sum(1 for g, p in zip(gold, predicted, strict=True) if g == p == label)
        precision = hits / predicted.count(label) if label in predicted else 0.0
        recall = hits / gold.count(label)
        total += 2 * precision * recall / (precision + recall) if hits else 0.0
    return total / len(labels)


def run_rasa(arguments: list[str]) -> None:
    settings = load_settings()
    subprocess.run(
        [str(settings.rasa_executable), *arguments],
        cwd=PROJECT_ROOT,
        env=child_environment(),
        check=True,
        stdout=subprocess.DEVNULL,
    )


def intent_scores(report_dir: Path) -> dict:
    """Accuracy, macro-F1, per-intent F1 and confusions from Rasa's report files."""
    report = json.loads((report_dir / "intent_report.json").read_text())
    errors_file = report_dir / "intent_errors.json"
    errors = json.loads(errors_file.read_text()) if errors_file.exists() else []
    confusions = Counter((error["intent"], error["intent_prediction"]["name"]) for error in errors)
    per_intent = {
        name: round(scores["f1-score"], 4)
        for name, scores in sorted(report.items())
        if isinstance(scores, dict)
        and "f1-score" in scores
        and name not in ("macro avg", "weighted avg", "micro avg")
    }
    return {
        "accuracy": round(report["accuracy"], 4),
        "macro_f1": round(report["macro avg"]["f1-score"], 4),
        "weighted_f1": round(report["weighted avg"]["f1-score"], 4),
        "emergency_recall": round(report.get("emergency", {}).get("recall", 0.0), 4),
        "per_intent_f1": per_intent,
        "top_confusions": [
            {"intent": gold, "predicted": predicted, "count": count}
            for (gold, predicted), count in confusions.most_common(10)
        ],
    }


def entity_scores(report_dir: Path) -> dict:
    """Entity F1 per extractor (micro average over entity types)."""
    scores = {}
    for report_file in sorted(report_dir.glob("*Extractor_report.json")) + sorted(
        report_dir.glob("DIETClassifier_report.json")
    ):
        report = json.loads(report_file.read_text())
        average = report.get("micro avg") or report.get("weighted avg") or {}
        scores[report_file.stem.removesuffix("_report")] = {
            "f1": round(average.get("f1-score", 0.0), 4),
            "per_entity_f1": {
                name: round(values["f1-score"], 4)
                for name, values in sorted(report.items())
                if isinstance(values, dict) and "avg" not in name and name != "no_entity"
            },
        }
    return scores


def test_on_held_out_set(model: Path, out_dir: Path) -> None:
    """`rasa test nlu` of `model` on eval/data/nlu_test.yml; the reports go to `out_dir`."""
    run_rasa(
        [
            "test",
            "nlu",
            "--nlu",
            str(TEST_SET),
            "--model",
            str(model),
            "--out",
            str(out_dir),
            "--no-plot",
        ]
    )


def compare_pipelines() -> dict:
    """Train and score config.yml's NLU and every alternative in eval/nlu_pipelines/."""
    # (name in the report, model and results name, config file)
    pipelines = [("config.yml (chosen)", "chosen", PROJECT_ROOT / "config.yml")]
    pipelines += [(path.stem, path.stem, path) for path in sorted(PIPELINES_DIR.glob("*.yml"))]
    results = {}
    for name, slug, config in pipelines:
        model_dir = RESULTS_DIR / "pipelines" / "models"
        started = time.monotonic()
        run_rasa(
            [
                "train",
                "nlu",
                "--config",
                str(config),
                "--nlu",
                "data/nlu",
                "--out",
                str(model_dir),
                "--fixed-model-name",
                slug,
            ]
        )
        train_seconds = round(time.monotonic() - started, 1)
        test_dir = RESULTS_DIR / "pipelines" / slug
        test_on_held_out_set(model_dir / f"{slug}.tar.gz", test_dir)
        scores = intent_scores(test_dir)
        entities = entity_scores(test_dir).get("DIETClassifier", {})
        results[name] = {
            "config": str(config.relative_to(PROJECT_ROOT)),
            "accuracy": scores["accuracy"],
            "macro_f1": scores["macro_f1"],
            "entity_f1": entities.get("f1"),
            "emergency_recall": scores["emergency_recall"],
            "nlu_train_seconds": train_seconds,
        }
        print(
            f"{name:28} macro-F1 {scores['macro_f1']:.4f}  "
            f"entity F1 {entities.get('f1')}  train {train_seconds} s",
            flush=True,
        )
    return results


def pipelines_report() -> dict:
    """config.yml and every alternative pipeline, trained and scored on the held-out set."""
    return {
        "test_set": str(TEST_SET.relative_to(PROJECT_ROOT)),
        "note": TRAIN_SECONDS_NOTE,
        "pipelines": compare_pipelines(),
    }


def cross_validation_scores() -> dict:
    """Intent scores of a 5-fold cross-validation of config.yml on the training data."""
    cv_dir = RESULTS_DIR / "nlu-cross-validation"
    run_rasa(
        [
            "test",
            "nlu",
            "--nlu",
            "data/nlu",
            "--config",
            "config.yml",
            "--cross-validation",
            "--folds",
            "5",
            "--out",
            str(cv_dir),
            "--no-plot",
        ]
    )
    return intent_scores(cv_dir)


def nlu_report(cross_validation: bool = True) -> dict:
    """The trained model (trained first if the data changed) scored on the held-out set."""
    model = train_if_changed(load_settings())
    test_dir = RESULTS_DIR / "nlu-test"
    test_on_held_out_set(model, test_dir)
    report: dict = {"test_set": {**intent_scores(test_dir), "entities": entity_scores(test_dir)}}
    if cross_validation:
        # Its own stamp: a later run without it keeps this section (merge).
        report["cross_validation_5_fold"] = {
            "measured_at": provenance(),
            **cross_validation_scores(),
        }
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m dovvybuddy.evaluation.nlu", description=__doc__
    )
    parser.add_argument(
        "--no-cross-validation",
        action="store_true",
        help="skip the 5-fold cross-validation (about 10 minutes here)",
    )
    parser.add_argument(
        "--compare",
        action="store_true",
        help="score config.yml against eval/nlu_pipelines/*.yml (about 20 minutes here)",
    )
    args = parser.parse_args(argv)
    if args.compare:
        write_report(PIPELINES_REPORT_FILE, pipelines_report())
        return 0
    report = nlu_report(cross_validation=not args.no_cross_validation)
    # Without the cross-validation, the last one (with its own stamp) is kept.
    write_report(REPORT_FILE, report, merge=args.no_cross_validation)
    print(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
