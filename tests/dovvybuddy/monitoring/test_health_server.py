"""The minimal health endpoint of processes without HTTP of their own."""

import asyncio
import json

from dovvybuddy.monitoring.health_server import serve_health


async def get(port: int, path: str) -> tuple[str, dict]:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(f"GET {path} HTTP/1.1\r\nHost: x\r\n\r\n".encode())
    await writer.drain()
    raw = await reader.read()
    writer.close()
    head, _, body = raw.decode().partition("\r\n\r\n")
    return head.splitlines()[0], json.loads(body)


async def test_healthy_is_200_with_the_report_and_unhealthy_is_503():
    state = {"healthy": True}
    server = await serve_health(
        "127.0.0.1",
        0,
        lambda: (state["healthy"], {"database": "up" if state["healthy"] else "down"}),
    )
    port = server.sockets[0].getsockname()[1]
    try:
        assert await get(port, "/health") == ("HTTP/1.1 200 OK", {"database": "up"})
        state["healthy"] = False
        assert await get(port, "/health") == (
            "HTTP/1.1 503 Service Unavailable",
            {"database": "down"},
        )
        assert (await get(port, "/other"))[0] == "HTTP/1.1 404 Not Found"
    finally:
        server.close()
