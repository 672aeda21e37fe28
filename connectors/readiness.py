"""Whether the assistant can answer yet: the REST channel opens only when it can.

Rasa loads its model in about 25 s while the knowledge base is still being
embedded and the action server is starting; a message in that window would
get "having trouble answering" although nothing is wrong. Until the action
server reports itself ready (its `/ready` says the knowledge base is loaded),
the channel answers 503 with Retry-After, and the widget says it is starting
up and retries. Once ready, the answer is kept: later outages are faults and
are handled as faults.
"""

from __future__ import annotations

import asyncio
import logging
import os
from dataclasses import dataclass, field

import httpx

from dovvybuddy.common.settings import load_settings

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 3
CHECK_TIMEOUT_SECONDS = 2.0
STARTING_UP_TEXT = "DovvyBuddy is starting up, one moment."


def ready_url(action_server_url: str) -> str:
    """The action server's readiness URL, beside its webhook URL."""
    base = action_server_url.split("?", 1)[0].rstrip("/")
    if base.endswith("/webhook"):
        base = base[: -len("/webhook")]
    return f"{base}/ready"


@dataclass
class Readiness:
    """Asks the action server whether it is ready until it says yes once."""

    url: str
    ready: bool = False
    waiting_for: str = "actions"
    _lock: asyncio.Lock = field(default_factory=asyncio.Lock)

    @classmethod
    def from_environment(cls) -> Readiness:
        url = os.environ.get("ACTION_SERVER_URL") or load_settings().action_server_url
        return cls(ready_url(url))

    async def check(self) -> bool:
        if self.ready:
            return True
        async with self._lock:
            if not self.ready:
                self.ready, self.waiting_for = await self._ask()
                if self.ready:
                    logger.info("the action server is ready: the chat channel is open")
        return self.ready

    async def _ask(self) -> tuple[bool, str]:
        try:
            async with httpx.AsyncClient(timeout=CHECK_TIMEOUT_SECONDS) as client:
                reply = await client.get(self.url)
            body = reply.json()
        except (httpx.HTTPError, ValueError):
            return False, "actions"
        if reply.status_code == 200 and isinstance(body, dict) and body.get("ready") is True:
            return True, ""
        waiting = body.get("waiting_for") if isinstance(body, dict) else None
        return False, str(waiting or "actions")

    async def wait(self, timeout_seconds: float) -> bool:
        """Wait (checking every RETRY_AFTER_SECONDS) until ready; False on timeout."""
        deadline = asyncio.get_running_loop().time() + timeout_seconds
        while not await self.check():
            if asyncio.get_running_loop().time() >= deadline:
                return False
            await asyncio.sleep(RETRY_AFTER_SECONDS)
        return True

    def status(self) -> dict[str, object]:
        """The body of `GET /webhooks/rest/ready`."""
        if self.ready:
            return {"ready": True}
        return {"ready": False, "waiting_for": self.waiting_for, "detail": STARTING_UP_TEXT}
