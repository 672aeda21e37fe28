"""`make health`: is every process of the running stack healthy?

Reads var/stack.json (written by `make run`), asks each process's health
endpoint and the database, prints one JSON object and exits 0 only when all
are healthy. Each process's own endpoint:

- Rasa server: GET /webhooks/rest/ (listens once the model is loaded)
- action server: GET /health (rasa-sdk)
- lead delivery worker: GET /health on DOVVY_WORKER_HEALTH_PORT (503 while
  the database is unreachable)
- web widget server: GET /health

It also lists the TCP addresses each process listens on, so an action server
reachable from other hosts (anything but loopback) shows at a glance, and the
key figures since the processes started, summed from their Prometheus
metrics (`dovvybuddy/monitoring/metrics.py`): turns by outcome, the share not
understood, safety replies, answers by source, Gemini tokens, cost and budget,
leads and deliveries.
"""

from __future__ import annotations

import json
import sys
import time
import urllib.error
import urllib.request

import psutil
import psycopg
from prometheus_client.parser import text_string_to_metric_families

from dovvybuddy.common.settings import load_settings


def check_url(url: str) -> dict:
    started = time.monotonic()
    try:
        with urllib.request.urlopen(url, timeout=5) as reply:
            healthy = reply.status == 200
    except (urllib.error.URLError, ConnectionError, TimeoutError) as error:
        return {"healthy": False, "error": type(error).__name__}
    return {"healthy": healthy, "ms": round(1000 * (time.monotonic() - started), 1)}


def check_database(database_url: str) -> dict:
    try:
        with psycopg.connect(database_url, connect_timeout=5) as conn:
            conn.execute("SELECT 1")
    except psycopg.Error as error:
        return {"healthy": False, "error": type(error).__name__}
    return {"healthy": True}


def metrics_url(health_url: str) -> str:
    """Where the process that answers `health_url` serves its metrics."""
    if health_url.rstrip("/").endswith("/webhooks/rest"):
        return health_url.rstrip("/") + "/metrics"
    return health_url.rsplit("/health", 1)[0] + "/metrics"


def scrape(url: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    try:
        with urllib.request.urlopen(url, timeout=5) as reply:
            text = reply.read().decode()
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return {}
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
        if sample.name.startswith("dovvybuddy_")
    }


def by_label(samples: dict, name: str, label: str) -> dict[str, float]:
    """The samples of `name` summed by one label's value."""
    totals: dict[str, float] = {}
    for (sample_name, labels), value in samples.items():
        if sample_name == name:
            key = dict(labels).get(label, "")
            totals[key] = totals.get(key, 0.0) + value
    return {key: round(value, 4) for key, value in sorted(totals.items()) if value}


def key_figures(samples: dict) -> dict:
    """What an operator looks at first, from the summed metrics of every process."""
    intents = by_label(samples, "dovvybuddy_intents_total", "intent")
    messages = sum(intents.values())
    budget = [v for (n, _), v in samples.items() if n == "dovvybuddy_gemini_budget_used_ratio"]
    return {
        "turns": by_label(samples, "dovvybuddy_turns_total", "outcome"),
        "not_understood_share": round(intents.get("nlu_fallback", 0) / messages, 4)
        if messages
        else None,
        "safety_replies": by_label(samples, "dovvybuddy_safety_replies_total", "category"),
        "answers": by_label(samples, "dovvybuddy_answers_total", "source"),
        "gemini_calls": by_label(samples, "dovvybuddy_gemini_calls_total", "outcome"),
        "gemini_tokens": sum(
            v for (n, _), v in samples.items() if n == "dovvybuddy_gemini_tokens_total"
        ),
        "gemini_estimated_cost": round(
            sum(
                v for (n, _), v in samples.items() if n == "dovvybuddy_gemini_estimated_cost_total"
            ),
            4,
        ),
        "gemini_budget_used": max(budget, default=0.0),
        "leads": by_label(samples, "dovvybuddy_lead_events_total", "event"),
        "lead_deliveries": by_label(samples, "dovvybuddy_lead_deliveries_total", "outcome"),
    }


def listening_addresses(pid: int) -> list[str]:
    """host:port of every TCP socket the process (or its workers) listens on."""
    try:
        family = psutil.Process(pid)
        members = [family, *family.children(recursive=True)]
        return sorted(
            {
                f"{connection.laddr.ip}:{connection.laddr.port}"
                for member in members
                for connection in member.net_connections(kind="tcp")
                if connection.status == psutil.CONN_LISTEN
            }
        )
    except psutil.Error:
        return []


def health_report(info: dict) -> dict:
    """Each part of the running stack (described by its info file) checked, with key figures."""
    checks = {name: check_url(url) for name, url in info["health_urls"].items()}
    checks["database"] = check_database(info["database_url"])
    healthy = all(check["healthy"] for check in checks.values())
    listening = {name: listening_addresses(pid) for name, pid in info["pids"].items()}
    samples: dict = {}
    for name, url in info["health_urls"].items():
        if name != "web server":  # it serves files only
            for key, value in scrape(metrics_url(url)).items():
                samples[key] = samples.get(key, 0.0) + value
    return {
        "healthy": healthy,
        "checks": checks,
        "listening": listening,
        "figures": key_figures(samples),
    }


def main() -> int:
    info_file = load_settings().stack_info_file
    if not info_file.exists():
        print(json.dumps({"healthy": False, "error": f"no running stack ({info_file} missing)"}))
        return 1
    report = health_report(json.loads(info_file.read_text()))
    print(json.dumps(report, indent=2))
    return 0 if report["healthy"] else 1


if __name__ == "__main__":
    sys.exit(main())
