"""The conversation lock store, chosen by the environment.

Rasa locks a conversation while it handles a message, so two messages for the
same diver are handled one after the other. One Rasa server can keep those
locks in memory; several replicas behind a load balancer must share them.
`endpoints.yml` names this class, and `REDIS_URL` decides:

    lock_store:
      type: connectors.lock_store.ConversationLockStore

- REDIS_URL unset: Rasa's in-memory lock store (one server only).
- REDIS_URL=redis://[:password@]host[:port][/db]: a mutex per conversation in
  Redis (redis-py's lock: SET NX with an expiry, released by a script that
  checks the owner).

Why not Rasa's own `type: redis`: its ticket lock reads, changes and writes
the ticket list in separate Redis calls, so two replicas taking a ticket for
the same conversation at the same moment can overwrite each other; measured
here, one of eight simultaneous messages for one diver failed with a
LockError and its turn was lost. The mutex has no such race. It does not
keep arrival order between messages that arrive at the same moment, which
have no meaningful order anyway.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from urllib.parse import unquote, urlparse

import redis.asyncio
from rasa.core.lock import TicketLock
from rasa.core.lock_store import LOCK_LIFETIME, InMemoryLockStore, LockError, LockStore
from rasa.utils.endpoints import EndpointConfig
from redis.exceptions import LockError as RedisLockError

from dovvybuddy.settings import load_settings

logger = logging.getLogger(__name__)

KEY_PREFIX = "dovvybuddy:conversation-lock:"
# How often a waiting message checks whether the conversation is free.
POLL_SECONDS = 0.02


def redis_client(url: str) -> redis.asyncio.Redis:
    """An asyncio Redis client for a redis:// or rediss:// URL."""
    parsed = urlparse(url)
    if parsed.scheme not in {"redis", "rediss"} or not parsed.hostname:
        raise ValueError("REDIS_URL must look like redis://host:6379/1")
    database = parsed.path.strip("/")
    return redis.asyncio.Redis(
        host=parsed.hostname,
        port=parsed.port or 6379,
        db=int(database) if database else 1,
        username=unquote(parsed.username) if parsed.username else None,
        password=unquote(parsed.password) if parsed.password else None,
        ssl=parsed.scheme == "rediss",
    )


class ConversationLockStore(LockStore):
    """A Redis mutex per conversation when REDIS_URL is set, Rasa's in-memory locks otherwise."""

    def __init__(self, endpoint_config: EndpointConfig | None = None) -> None:
        redis_url = load_settings().redis_url
        self.in_memory = InMemoryLockStore()
        self.redis = redis_client(redis_url) if redis_url else None
        if self.redis is None:
            logger.info("conversation locks in memory: run a single Rasa server")
        else:
            logger.info("conversation locks in Redis")

    @asynccontextmanager
    async def lock(
        self,
        conversation_id: str,
        lock_lifetime: float = LOCK_LIFETIME,
        wait_time_in_seconds: float = 1,
    ) -> AsyncIterator[object]:
        if self.redis is None:
            async with self.in_memory.lock(conversation_id, lock_lifetime, wait_time_in_seconds):
                yield None
            return
        # The expiry frees a conversation whose replica died mid-turn; a
        # message waits at most that long before Rasa reports a LockError.
        mutex = self.redis.lock(
            KEY_PREFIX + conversation_id,
            timeout=lock_lifetime,
            sleep=POLL_SECONDS,
            blocking_timeout=lock_lifetime,
        )
        if not await mutex.acquire():
            raise LockError(f"Could not acquire lock for conversation_id '{conversation_id}'.")
        try:
            yield mutex
        finally:
            try:
                await mutex.release()
            except RedisLockError:  # it expired and someone else may hold it now
                logger.warning("a conversation lock expired before its turn ended")

    # Rasa's ticket-lock primitives, used only by the in-memory store above.
    def get_lock(self, conversation_id: str) -> TicketLock | None:
        return self.in_memory.get_lock(conversation_id)

    def delete_lock(self, conversation_id: str) -> None:
        self.in_memory.delete_lock(conversation_id)

    def save_lock(self, lock: TicketLock) -> None:
        self.in_memory.save_lock(lock)
