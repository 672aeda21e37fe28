"""Train the Rasa model only when its inputs changed.

The model file is named after a hash of everything training reads (config,
domain, data), so "is there a model for this data?" is a file lookup: no
Rasa start-up, no retraining when nothing changed, and switching branches
back and forth reuses the models already trained.
"""

from __future__ import annotations

import hashlib
import subprocess
from pathlib import Path

from dovvybuddy.common.settings import PROJECT_ROOT, Settings
from dovvybuddy.knowledge.lookups import write_lookups
from dovvybuddy.ops.processes import child_environment

# nlu/ holds the custom pipeline components: a change to how features are
# computed needs a new model as much as a change to the data does.
TRAINING_INPUTS = ("config.yml", "domain.yml", "data", "nlu")


def training_files(root: Path = PROJECT_ROOT) -> list[Path]:
    """Every file that training reads, in a stable order (compiled Python excluded)."""
    files: list[Path] = []
    for name in TRAINING_INPUTS:
        path = root / name
        if path.is_dir():
            found = path.rglob("*")
            files.extend(sorted(p for p in found if p.is_file() and "__pycache__" not in p.parts))
        else:
            files.append(path)
    return files


def training_fingerprint(root: Path = PROJECT_ROOT) -> str:
    """A hash of the training inputs' paths and contents."""
    digest = hashlib.sha256()
    for path in training_files(root):
        digest.update(str(path.relative_to(root)).encode())
        digest.update(b"\0")
        digest.update(path.read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()[:16]


def model_path(settings: Settings, root: Path = PROJECT_ROOT) -> Path:
    """Where the model for the current training inputs is (or will be) stored."""
    return settings.model_dir / f"dovvybuddy-{training_fingerprint(root)}.tar.gz"


def train_if_changed(settings: Settings, force: bool = False) -> Path:
    """Return the model for the current inputs, training it first if needed.

    The NLU lookup tables generated from knowledge/ are refreshed first, so a
    new dive-site file changes the inputs and retrains.
    """
    if write_lookups():
        print("Updated the NLU lookup tables from knowledge/.", flush=True)
    target = model_path(settings)
    if target.exists() and not force:
        print(f"Model is up to date: {target.name}", flush=True)
        return target
    print("Training the Rasa model (the data changed)...", flush=True)
    settings.model_dir.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [
            str(settings.rasa_executable),
            "train",
            "--fixed-model-name",
            target.name.removesuffix(".tar.gz"),
            "--out",
            str(settings.model_dir),
        ],
        cwd=PROJECT_ROOT,
        env=child_environment(),
        check=True,
    )
    return target
