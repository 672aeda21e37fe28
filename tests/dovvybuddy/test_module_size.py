"""The core stays in rooms a reader can take in: no module of dovvybuddy/ over 450 lines."""

from dovvybuddy.common.settings import PROJECT_ROOT

MAX_LINES = 450


def test_no_core_module_is_longer_than_450_lines():
    too_long = {
        str(path.relative_to(PROJECT_ROOT)): lines
        for path in sorted((PROJECT_ROOT / "dovvybuddy").rglob("*.py"))
        if (lines := len(path.read_text().splitlines())) > MAX_LINES
    }
    assert too_long == {}
