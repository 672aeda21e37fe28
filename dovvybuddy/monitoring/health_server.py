"""A minimal `GET /health` endpoint for processes that serve no HTTP otherwise
(the lead delivery worker): load balancers, Kubernetes probes and
`make health` ask it whether the process is alive and can do its work.
`GET /metrics` gives the process's Prometheus metrics."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable

from dovvybuddy.monitoring.metrics import exposition

HealthReport = Callable[[], tuple[bool, dict]]
REQUEST_TIMEOUT_SECONDS = 5.0


async def serve_health(host: str, port: int, report: HealthReport) -> asyncio.Server:
    """Answer `GET /health` with `report()`: 200 when healthy, else 503; 404 otherwise."""

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            request_line = await asyncio.wait_for(reader.readline(), REQUEST_TIMEOUT_SECONDS)
            while (await asyncio.wait_for(reader.readline(), REQUEST_TIMEOUT_SECONDS)).strip():
                pass  # headers are not needed
            parts = request_line.decode("latin-1").split()
            content_type = "application/json"
            if parts[:2] == ["GET", "/health"]:
                healthy, body = report()
                status = "200 OK" if healthy else "503 Service Unavailable"
                payload = json.dumps(body).encode()
            elif parts[:2] == ["GET", "/metrics"]:
                status = "200 OK"
                payload, content_type = exposition()
            else:
                status = "404 Not Found"
                payload = json.dumps({"error": "not_found"}).encode()
            writer.write(
                f"HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\n"
                f"Content-Length: {len(payload)}\r\nConnection: close\r\n\r\n".encode()
                + payload
            )
            await writer.drain()
        except (TimeoutError, ConnectionError, asyncio.IncompleteReadError):
            pass
        finally:
            writer.close()

    return await asyncio.start_server(handle, host, port)
