"""Prometheus metrics of the live stack move by what a scripted conversation did."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time

import pytest
import requests
from prometheus_client.parser import text_string_to_metric_families

from dovvybuddy.common.settings import PROJECT_ROOT
from tests.e2e.test_leads import TIOMAN_PARTNER, converse

pytestmark = pytest.mark.e2e

DASHBOARD = PROJECT_ROOT / "deploy" / "prometheus" / "grafana-dashboard.json"
ALERTS = PROJECT_ROOT / "deploy" / "prometheus" / "alerts.yml"
METRIC_NAME = re.compile(r"\bdovvybuddy_[a-z0-9_]+")
# A family's samples: counter_total, histogram_bucket/_count/_sum.
SAMPLE_SUFFIX = r"_(total|count|sum|bucket)$"


def scrape(url: str) -> dict[tuple[str, tuple], float]:
    reply = requests.get(url, timeout=10)
    assert reply.status_code == 200, reply.text
    assert reply.headers["Content-Type"].startswith("text/plain")
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(reply.text)
        for sample in family.samples
    }


def endpoints(stack) -> dict[str, str]:
    return {
        "rasa": f"{stack.rasa_url}/webhooks/rest/metrics",
        "actions": f"http://127.0.0.1:{stack.env['ACTION_PORT']}/metrics",
        "worker": f"http://127.0.0.1:{stack.env['DOVVY_WORKER_HEALTH_PORT']}/metrics",
    }


def scrape_all(stack) -> dict[tuple[str, tuple], float]:
    """The three processes' samples, summed (each declares every metric)."""
    samples: dict[tuple[str, tuple], float] = {}
    for url in endpoints(stack).values():
        for key, value in scrape(url).items():
            samples[key] = samples.get(key, 0.0) + value
    return samples


def moved(before, after, name, **labels) -> float:
    key = (name, tuple(sorted(labels.items())))
    return after.get(key, 0.0) - before.get(key, 0.0)


def test_an_answer_a_safety_reply_and_a_lead_move_their_counters(stack, sender):
    before = scrape_all(stack)

    # An answer from the guides (offline: extractive).
    answer = stack.say(sender, "how deep can an open water diver go?")
    assert answer and "Source" in answer[-1]
    # A safety reply.
    emergency = stack.say(sender, "my buddy surfaced too fast and now has chest pain")
    assert any("999" in text or "emergency" in text.lower() for text in emergency)
    # A lead, confirmed and delivered.
    assert "What's your name?" in stack.say(sender, "I want to learn to dive in Tioman")[-1]
    converse(stack, sender, "Metric Diver", "metric.diver@example.com", "skip", "none yet")
    converse(stack, sender, "open water", "early May", "any of them", "skip")
    assert "metric.diver@example.com" in stack.say(sender, "yes")[-1]
    assert TIOMAN_PARTNER in stack.say(sender, "yes")[-1]

    deadline = time.monotonic() + 60
    while True:
        after = scrape_all(stack)
        delivered = moved(
            before,
            after,
            "dovvybuddy_lead_deliveries_total",
            recipient="partner",
            transport="email",
            outcome="delivered",
        )
        copied = moved(
            before,
            after,
            "dovvybuddy_lead_deliveries_total",
            recipient="diver_copy",
            transport="email",
            outcome="delivered",
        )
        if (delivered >= 1 and copied >= 1) or time.monotonic() > deadline:
            break
        time.sleep(1)

    # 2 + 11 messages, every one answered.
    assert moved(before, after, "dovvybuddy_turns_total", channel="rest", outcome="answered") == 13
    assert moved(before, after, "dovvybuddy_turn_seconds_count", channel="rest") == 13
    assert moved(before, after, "dovvybuddy_answers_total", source="extractive") == 1
    assert moved(before, after, "dovvybuddy_retrieval_seconds_count") == 1
    assert moved(before, after, "dovvybuddy_safety_replies_total", category="emergency") == 1
    assert moved(before, after, "dovvybuddy_intents_total", intent="emergency") == 1
    assert moved(before, after, "dovvybuddy_lead_events_total", event="stored") == 1
    assert delivered == 1
    assert copied == 1

    # `make health` sums the same metrics into its key figures.
    health = subprocess.run(
        [sys.executable, "-m", "dovvybuddy.ops.health"],
        env={**os.environ, "DOVVY_VAR_DIR": str(stack.var_dir)},
        capture_output=True,
        text=True,
        timeout=60,
    )
    figures = json.loads(health.stdout)["figures"]
    assert figures["turns"]["answered"] >= 12
    assert figures["safety_replies"]["emergency"] >= 1
    assert figures["answers"]["extractive"] >= 1
    assert figures["lead_deliveries"]["delivered"] >= 1
    assert 0 <= figures["not_understood_share"] < 0.5


def families(stack) -> set[str]:
    """Every metric family the stack's processes declare (used or not yet)."""
    return {
        family.name
        for url in endpoints(stack).values()
        for family in text_string_to_metric_families(requests.get(url, timeout=10).text)
    }


def test_every_dashboard_and_alert_metric_is_in_the_scrape(stack):
    declared = families(stack)
    dashboard = json.loads(DASHBOARD.read_text())
    expressions = [target["expr"] for panel in dashboard["panels"] for target in panel["targets"]]
    expressions.append(ALERTS.read_text())
    used = {name for expression in expressions for name in METRIC_NAME.findall(expression)}
    assert len(used) >= 10
    missing = {name for name in used if re.sub(SAMPLE_SUFFIX, "", name) not in declared}
    assert not missing, f"metrics the stack does not export: {sorted(missing)}"
