"""Every report records the commit and the date its figures were measured on."""

import json
import re
import subprocess

from dovvybuddy.common.reports import write_report
from dovvybuddy.common.settings import PROJECT_ROOT


def head() -> str:
    return subprocess.run(
        ["git", "rev-parse", "HEAD"], cwd=PROJECT_ROOT, capture_output=True, text=True, check=True
    ).stdout.strip()


def test_a_report_starts_with_its_commit_and_date(tmp_path):
    path = tmp_path / "figures.json"
    write_report(path, {"recall": 0.9})
    report = json.loads(path.read_text())
    assert list(report)[:3] == ["commit", "uncommitted_changes", "date"]
    assert report["commit"] == head()
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00", report["date"])
    assert report["recall"] == 0.9


def test_a_merged_report_keeps_other_keys_and_takes_the_new_stamp(tmp_path):
    path = tmp_path / "bench.json"
    path.write_text(json.dumps({"commit": "old", "date": "2020-01-01", "train_seconds": 194}))
    write_report(path, {"turn_ms": 108}, merge=True)
    report = json.loads(path.read_text())
    assert report["commit"] == head()
    assert report["train_seconds"] == 194
    assert report["turn_ms"] == 108
