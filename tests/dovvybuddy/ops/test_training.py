"""Training happens only when its inputs change."""

import shutil
from pathlib import Path

from dovvybuddy.common.settings import PROJECT_ROOT
from dovvybuddy.ops.training import TRAINING_INPUTS, training_fingerprint


def copy_training_inputs(target: Path) -> Path:
    for name in TRAINING_INPUTS:
        source = PROJECT_ROOT / name
        if source.is_dir():
            shutil.copytree(source, target / name)
        else:
            shutil.copy(source, target / name)
    return target


def test_fingerprint_is_stable_for_unchanged_inputs(tmp_path):
    root = copy_training_inputs(tmp_path)
    assert training_fingerprint(root) == training_fingerprint(root)
    assert training_fingerprint(root) == training_fingerprint(PROJECT_ROOT)


def test_fingerprint_changes_when_data_changes(tmp_path):
    root = copy_training_inputs(tmp_path)
    before = training_fingerprint(root)
    (root / "data" / "nlu" / "extra.yml").write_text('version: "3.1"\nnlu: []\n')
    assert training_fingerprint(root) != before


def test_fingerprint_changes_when_config_changes(tmp_path):
    root = copy_training_inputs(tmp_path)
    before = training_fingerprint(root)
    with open(root / "config.yml", "a") as config:
        config.write("\n# a comment is still a change\n")
    assert training_fingerprint(root) != before


def test_fingerprint_changes_when_a_pipeline_component_changes(tmp_path):
    root = copy_training_inputs(tmp_path)
    before = training_fingerprint(root)
    with open(root / "nlu" / "minilm_featurizer.py", "a") as component:
        component.write("\n# features computed differently need a new model\n")
    assert training_fingerprint(root) != before


def test_fingerprint_ignores_compiled_python(tmp_path):
    root = copy_training_inputs(tmp_path)
    before = training_fingerprint(root)
    cache = root / "nlu" / "__pycache__"
    cache.mkdir(exist_ok=True)
    (cache / "minilm.cpython-310.pyc").write_bytes(b"\x00compiled")
    assert training_fingerprint(root) == before
