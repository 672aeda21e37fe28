"""`python -m dovvybuddy.leads.delivery`: run the lead delivery worker.

It runs until SIGINT or SIGTERM, serving its health and metrics meanwhile;
`--once` delivers what is due now and exits (`dovvybuddy.leads.worker` says
how a delivery goes).
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal
import sys

import psycopg

from dovvybuddy.common.json_logging import configure_json_logging, log_event
from dovvybuddy.common.settings import Settings, load_settings
from dovvybuddy.leads.worker import LeadDeliveryWorker
from dovvybuddy.monitoring.health_server import serve_health

logger = logging.getLogger(__name__)


async def _serve(settings: Settings, database_url: str, once: bool) -> int:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    async with LeadDeliveryWorker(settings, database_url) as worker:
        if not once:
            health = await serve_health(
                settings.bind_host, settings.worker_health_port, worker.health
            )
            log_event(logger, "lead_delivery_started", partners=sorted(worker.partners))
            try:
                await worker.run_forever(stop)
            finally:
                health.close()
            log_event(logger, "lead_delivery_stopped", **worker.outcomes)
            return 0
        try:
            outcomes = await worker.drain(stop)
        except (psycopg.Error, OSError) as error:
            log_event(
                logger,
                "lead_delivery_database_unavailable",
                log_level=logging.ERROR,
                error=type(error).__name__,
            )
            return 1
        log_event(logger, "lead_delivery_drained", **outcomes)
        return 0


def main(argv: list[str] | None = None) -> int:
    """Run the worker (`--once`: deliver what is due and exit); returns the exit status."""
    parser = argparse.ArgumentParser(
        prog="python -m dovvybuddy.leads.delivery",
        description="Deliver stored leads to partner dive centres (email or webhook).",
    )
    parser.add_argument("--once", action="store_true", help="deliver what is due now, then exit")
    args = parser.parse_args(argv)
    settings = load_settings()
    configure_json_logging("lead-worker", settings.log_level)
    if not settings.database_url:
        parser.error("DATABASE_URL is not set (a running stack writes its URL to var/stack.json)")
    return asyncio.run(_serve(settings, settings.database_url, args.once))


if __name__ == "__main__":
    sys.exit(main())
