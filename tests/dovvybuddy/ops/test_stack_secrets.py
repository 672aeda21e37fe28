"""The stack hands every process one lead-link secret: the worker signs, the web server checks."""

from __future__ import annotations

import dataclasses

from dovvybuddy.common.settings import load_settings
from dovvybuddy.ops.stack import Stack


def test_every_service_gets_the_same_kept_lead_link_secret(tmp_path):
    stack = Stack(dataclasses.replace(load_settings(), var_dir=tmp_path, lead_link_secret=None))
    stack.database_url = "postgresql://localhost/dovvybuddy"

    secrets = {
        service: stack.service_environment(service)["DOVVY_LEAD_LINK_SECRET"]
        for service in ("web", "lead-worker", "actions")
    }

    kept = (tmp_path / "lead_link_secret").read_text().strip()
    assert set(secrets.values()) == {kept} and len(kept) >= 32
    assert oct((tmp_path / "lead_link_secret").stat().st_mode)[-3:] == "600"


def test_a_configured_lead_link_secret_wins(tmp_path):
    settings = dataclasses.replace(load_settings(), var_dir=tmp_path, lead_link_secret="set")
    stack = Stack(settings)
    stack.database_url = "postgresql://localhost/dovvybuddy"

    assert stack.service_environment("web")["DOVVY_LEAD_LINK_SECRET"] == "set"
    assert not (tmp_path / "lead_link_secret").exists()
