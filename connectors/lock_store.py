"""The conversation lock store, chosen by the environment.

Rasa locks a conversation while it handles a message, so two messages for the
same diver are handled one after the other. One Rasa server can keep those
locks in memory; several replicas behind a load balancer must share them.
`endpoints.yml` names this class, and `REDIS_URL` decides:

    lock_store:
      type: connectors.lock_store.ConversationLockStore

- REDIS_URL unset: Rasa's in-memory lock store (one server only).
- REDIS_URL=redis://[:password@]host[:port][/db] (rediss:// for TLS): a
  mutex per conversation in Redis (redis-py's lock: SET NX with an expiry,
  renewed while the turn runs, released by a script that checks the owner).

Why not Rasa's own `type: redis`: its ticket lock reads, changes and writes
the ticket list in separate Redis calls, so two replicas taking a ticket for
the same conversation at the same moment can overwrite each other; measured
here, one of eight simultaneous messages for one diver failed with a
LockError and its turn was lost. The mutex has no such race. It does not
keep arrival order between messages that arrive at the same moment, which
have no meaningful order anyway.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import redis.asyncio
import redis.asyncio.lock
import redis.exceptions
from rasa.core.lock import TicketLock
from rasa.core.lock_store import LOCK_LIFETIME, InMemoryLockStore, LockError, LockStore
from rasa.utils.endpoints import EndpointConfig
from redis.exceptions import LockError as RedisLockError

from dovvybuddy.common.settings import load_settings

logger = logging.getLogger(__name__)

KEY_PREFIX = "dovvybuddy:conversation-lock:"
# How often a waiting message checks whether the conversation is free.
POLL_SECONDS = 0.1
# A stalled Redis fails the turn (politely) instead of hanging it.
REDIS_TIMEOUT_SECONDS = 5.0


class ConversationLockStore(LockStore):
    """A Redis mutex per conversation when REDIS_URL is set, Rasa's in-memory locks otherwise."""

    def __init__(self, endpoint_config: EndpointConfig | None = None) -> None:
        redis_url = load_settings().redis_url
        self.in_memory = InMemoryLockStore()
        self.redis = (
            redis.asyncio.from_url(
                redis_url,
                socket_timeout=REDIS_TIMEOUT_SECONDS,
                socket_connect_timeout=REDIS_TIMEOUT_SECONDS,
            )
            if redis_url
            else None
        )
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
        # A turn may outlast the expiry (Rasa waits up to five minutes for the
        # action server): while it runs, the lock is renewed.
        renewal = asyncio.create_task(_keep_renewing(mutex, lock_lifetime))
        try:
            yield mutex
        finally:
            renewal.cancel()
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


async def _keep_renewing(mutex: redis.asyncio.lock.Lock, lifetime: float) -> None:
    """Reset the lock's expiry every third of its lifetime until cancelled."""
    while True:
        await asyncio.sleep(lifetime / 3)
        try:
            await mutex.reacquire()
        except (RedisLockError, redis.exceptions.RedisError):
            logger.warning("could not renew a conversation lock")
            return
