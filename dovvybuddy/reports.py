"""Benchmark reports: JSON files under reports/, committed as the recorded figures."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any


def write_report(path: Path, results: dict[str, Any], merge: bool = False) -> None:
    """Write `results` as JSON; with `merge`, keep keys other commands wrote there."""
    report = json.loads(path.read_text()) if merge and path.exists() else {}
    report.update(results)
    path.parent.mkdir(exist_ok=True)
    path.write_text(json.dumps(report, indent=2) + "\n")
