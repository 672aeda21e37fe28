"""Sliding-window rate limits: for LLM calls in the action server and for
chat messages in the web channel (standard library only: both environments
import it)."""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable

# Keys whose window emptied are dropped (at most once per window) once this
# many are tracked, so that a public channel seeing many senders and addresses
# does not grow without bound.
PRUNE_AT_KEYS = 10_000


class SlidingWindowLimiter:
    """At most `limit` events per `window_seconds` for each key."""

    def __init__(
        self, limit: int, window_seconds: float = 60.0, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.limit = limit
        self.window_seconds = window_seconds
        self.clock = clock
        self._events: dict[str, deque[float]] = {}
        self._pruned_at = float("-inf")

    def _current(self, key: str, now: float) -> deque[float]:
        events = self._events.setdefault(key, deque())
        while events and now - events[0] >= self.window_seconds:
            events.popleft()
        return events

    def allow(self, key: str = "") -> bool:
        """Count an event for `key` if it is within the limit; say whether it was."""
        now = self.clock()
        if len(self._events) >= PRUNE_AT_KEYS and now - self._pruned_at >= self.window_seconds:
            self._prune(now)
        events = self._current(key, now)
        if len(events) >= self.limit:
            return False
        events.append(now)
        return True

    def retry_after(self, key: str = "") -> float:
        """Seconds until `key` may send again (0 when it may now)."""
        now = self.clock()
        events = self._current(key, now)
        if len(events) < self.limit:
            return 0.0
        return max(0.0, self.window_seconds - (now - events[0]))

    def _prune(self, now: float) -> None:
        self._pruned_at = now
        for key in [key for key, events in self._events.items() if not self._current(key, now)]:
            del self._events[key]
