"""Custom NLU components that run inside Rasa, and the helpers they share."""

import hashlib
from pathlib import Path
from types import ModuleType


def source_fingerprint(*modules: ModuleType) -> str:
    """A hash of the modules' source, for a component's `fingerprint_addon`.

    Rasa's training cache keys a component by its class name, config and
    inputs, not by its code: without this, a change to how features are
    computed would restore components trained on the old features.
    """
    digest = hashlib.sha256()
    for module in modules:
        digest.update(Path(module.__file__).read_bytes())
    return digest.hexdigest()
