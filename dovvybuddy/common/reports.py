"""Benchmark reports: JSON files under reports/, committed as the recorded figures."""

from __future__ import annotations

import hashlib
import json
import statistics
import subprocess
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Literal

from dovvybuddy.common.settings import PROJECT_ROOT

Split = Literal["tuning", "held_out"]
SPLITS: tuple[Split, ...] = ("tuning", "held_out")


def split_of(text: str) -> Split:
    """The half of an evaluation set an item belongs to, fixed by the parity of
    its text's hash: adding items moves none. Only `tuning` items may be looked
    at when choosing weights or rules; `held_out` measures the result."""
    return "tuning" if hashlib.sha256(text.encode()).digest()[0] % 2 == 0 else "held_out"


def _git(*arguments: str) -> str:
    return subprocess.run(
        ["git", *arguments], cwd=PROJECT_ROOT, capture_output=True, text=True, check=False
    ).stdout.strip()


def provenance() -> dict[str, Any]:
    """The commit the figures were measured on, whether files differed from it, and when."""
    return {
        "commit": _git("rev-parse", "HEAD"),
        "uncommitted_changes": bool(_git("status", "--porcelain", "--untracked-files=no")),
        "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
    }


def write_report(path: Path, results: dict[str, Any], merge: bool = False) -> None:
    """Write `results` as JSON, first the commit and date they were measured on;
    with `merge`, keep keys other commands wrote there."""
    report = json.loads(path.read_text()) if merge and path.exists() else {}
    stamp = provenance()
    report = {**stamp, **{k: v for k, v in report.items() if k not in stamp}}
    report.update(results)
    path.parent.mkdir(exist_ok=True)
    path.write_text(json.dumps(report, indent=2) + "\n")


def percentiles(seconds: list[float]) -> dict[str, float]:
    """Latency summary in milliseconds (nearest-rank percentiles)."""
    ordered = sorted(seconds)
    if not ordered:
        return {"turns": 0}

    def rank(share: float) -> float:
        return round(1000 * ordered[round(share * (len(ordered) - 1))], 1)

    return {
        "p50_ms": round(1000 * statistics.median(ordered), 1),
        "p95_ms": rank(0.95),
        "p99_ms": rank(0.99),
        "max_ms": round(1000 * ordered[-1], 1),
        "turns": len(ordered),
    }
