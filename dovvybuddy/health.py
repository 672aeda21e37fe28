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
reachable from other hosts (anything but loopback) shows at a glance.
"""

from __future__ import annotations

import json
import sys
import time
import urllib.error
import urllib.request

import psutil
import psycopg

from dovvybuddy.settings import load_settings


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


def main() -> int:
    info_file = load_settings().stack_info_file
    if not info_file.exists():
        print(json.dumps({"healthy": False, "error": f"no running stack ({info_file} missing)"}))
        return 1
    info = json.loads(info_file.read_text())
    checks = {name: check_url(url) for name, url in info["health_urls"].items()}
    checks["database"] = check_database(info["database_url"])
    healthy = all(check["healthy"] for check in checks.values())
    listening = {name: listening_addresses(pid) for name, pid in info["pids"].items()}
    print(json.dumps({"healthy": healthy, "checks": checks, "listening": listening}, indent=2))
    return 0 if healthy else 1


if __name__ == "__main__":
    sys.exit(main())
