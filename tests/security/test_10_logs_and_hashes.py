"""Finding 10: logs and lead rows carry keyed hashes of conversation ids, never the ids."""

import json

from dovvybuddy.common.settings import keyed_hash
from tests.dovvybuddy.common.test_json_logging import formatted


def test_no_line_carries_a_conversation_id_only_its_keyed_hash():
    line = formatted(json.dumps({"event": "lead_submitted", "conversation_id": "tg:5551"}))
    assert "conversation_id" not in line
    assert line["conversation"] == keyed_hash("tg:5551")[:16]
    assert "5551" not in json.dumps(line)


def test_the_hash_depends_on_the_secret(monkeypatch):
    monkeypatch.setenv("DOVVY_HASH_SECRET", "one")
    first = keyed_hash("tg:5551")
    monkeypatch.setenv("DOVVY_HASH_SECRET", "two")
    assert keyed_hash("tg:5551") != first
