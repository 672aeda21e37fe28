"""Monitoring files in deploy/prometheus: valid for Prometheus, and built on real metrics."""

from __future__ import annotations

import json
import re
import shutil
import subprocess

import pytest
from prometheus_client import REGISTRY

import dovvybuddy.monitoring.metrics  # noqa: F401  (registers every DovvyBuddy metric)
from dovvybuddy.common.settings import PROJECT_ROOT

MONITORING = PROJECT_ROOT / "deploy" / "prometheus"
METRIC_NAME = re.compile(r"\bdovvybuddy_[a-z0-9_]+")
SAMPLE_SUFFIX = r"_(total|count|sum|bucket)$"


def promtool(*args: str) -> subprocess.CompletedProcess:
    tool = shutil.which("promtool")
    if tool is None:
        pytest.fail(
            "promtool is missing: run scripts/install-system-packages.sh (Debian prometheus)"
        )
    return subprocess.run(
        [tool, *args], cwd=MONITORING, capture_output=True, text=True, timeout=60, check=False
    )


def declared_families() -> set[str]:
    return {metric.name for metric in REGISTRY.collect() if metric.name.startswith("dovvybuddy_")}


def test_the_scrape_configuration_and_alert_rules_are_valid():
    config = promtool("check", "config", "prometheus.yml")
    assert config.returncode == 0, config.stdout + config.stderr
    rules = promtool("check", "rules", "alerts.yml")
    assert rules.returncode == 0, rules.stdout + rules.stderr
    assert "6 rules found" in rules.stdout


def test_the_alerts_fire_on_the_series_they_watch():
    result = promtool("test", "rules", "alerts_test.yml")
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("file_name", ["alerts.yml", "grafana-dashboard.json"])
def test_every_metric_the_alerts_and_dashboard_read_is_defined(file_name):
    used = set(METRIC_NAME.findall((MONITORING / file_name).read_text()))
    assert len(used) >= 5
    undefined = {
        name for name in used if re.sub(SAMPLE_SUFFIX, "", name) not in declared_families()
    }
    assert not undefined, sorted(undefined)


def test_the_dashboard_is_grafana_json_with_a_query_in_every_panel():
    dashboard = json.loads((MONITORING / "grafana-dashboard.json").read_text())
    assert dashboard["uid"] == "dovvybuddy"
    panels = dashboard["panels"]
    assert len(panels) >= 10
    assert len({panel["id"] for panel in panels}) == len(panels)
    for panel in panels:
        assert panel["targets"] and all(target["expr"].strip() for target in panel["targets"])


def test_metrics_are_not_served_through_the_public_proxy():
    config = (PROJECT_ROOT / "deploy" / "nginx.conf").read_text()
    assert re.search(r"location = /webhooks/rest/metrics \{\s*return 404;\s*\}", config)
    scrape = (MONITORING / "prometheus.yml").read_text()
    assert "metrics_path: /webhooks/rest/metrics" in scrape
