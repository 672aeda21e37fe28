"""A daily Gemini token budget shared by every action-server process.

Before each call a process reserves an estimate of the call's tokens in
PostgreSQL, in one statement that only succeeds while the day's total stays
within the budget, so two processes cannot both spend the last tokens. After
the call the reservation is settled to the tokens Gemini reports (or released
when the call failed). When the budget is spent the answer falls back to the
extractive path.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date

from psycopg_pool import AsyncConnectionPool

from dovvybuddy.monitoring.metrics import GEMINI_BUDGET_USED

logger = logging.getLogger(__name__)

# What a grounded answer call typically uses: the prompt with its passages
# (about 1,500 tokens) and an answer of at most 400 output tokens.
RESERVED_TOKENS_PER_CALL = 2000
# The share of the budget at which a warning is logged (and an alert fires).
WARNING_SHARE = 0.8

_RESERVE_SQL = """
INSERT INTO llm_usage AS u (day, calls, tokens)
SELECT (now() AT TIME ZONE 'utc')::date, 1, %(tokens)s WHERE %(tokens)s <= %(budget)s
ON CONFLICT (day) DO UPDATE
    SET calls = u.calls + 1, tokens = u.tokens + %(tokens)s
    WHERE u.tokens + %(tokens)s <= %(budget)s
RETURNING day, tokens
"""
_REFUSED_SQL = """
INSERT INTO llm_usage AS u (day, refused) VALUES ((now() AT TIME ZONE 'utc')::date, 1)
ON CONFLICT (day) DO UPDATE SET refused = u.refused + 1
"""
_SETTLE_SQL = """
UPDATE llm_usage SET tokens = greatest(tokens + %(change)s, 0) WHERE day = %(day)s
"""
_TODAY_SQL = """
SELECT calls, tokens, refused FROM llm_usage WHERE day = (now() AT TIME ZONE 'utc')::date
"""


@dataclass(frozen=True)
class Reservation:
    """Tokens set aside for one call on one day."""

    day: date  # the UTC day the reservation counts against
    tokens: int


@dataclass(frozen=True)
class DailyUsage:
    calls: int
    tokens: int
    refused: int
    budget: int
    cost_per_1k_tokens: float

    @property
    def estimated_cost(self) -> float:
        return round(self.tokens / 1000 * self.cost_per_1k_tokens, 4)


class TokenBudget:
    """Reserves and settles Gemini tokens against the day's budget."""

    def __init__(
        self, pool: AsyncConnectionPool, daily_tokens: int, cost_per_1k_tokens: float = 0.0
    ) -> None:
        self.pool = pool
        self.daily_tokens = daily_tokens
        self.cost_per_1k_tokens = cost_per_1k_tokens

    async def reserve(self, tokens: int = RESERVED_TOKENS_PER_CALL) -> Reservation | None:
        """A reservation, or None when the call would go over today's budget."""
        await self.pool.open()  # idempotent; the knowledge store usually opened it
        async with self.pool.connection() as conn:
            cursor = await conn.execute(
                _RESERVE_SQL, {"tokens": tokens, "budget": self.daily_tokens}
            )
            row = await cursor.fetchone()
            if row is None:
                await conn.execute(_REFUSED_SQL)
        if row is None:
            GEMINI_BUDGET_USED.set(1.0)
            logger.warning(
                "gemini daily token budget spent (%d tokens): answering offline",
                self.daily_tokens,
            )
            return None
        day, spent = row
        GEMINI_BUDGET_USED.set(spent / self.daily_tokens)
        if spent >= WARNING_SHARE * self.daily_tokens:
            logger.warning("gemini daily token budget at %d%%", 100 * spent // self.daily_tokens)
        return Reservation(day, tokens)

    async def settle(self, reservation: Reservation, used_tokens: int) -> None:
        """Replace the reservation by the tokens the call used (0 if it failed)."""
        async with self.pool.connection() as conn:
            await conn.execute(
                _SETTLE_SQL,
                {"change": used_tokens - reservation.tokens, "day": reservation.day},
            )

    async def today(self) -> DailyUsage:
        await self.pool.open()
        async with self.pool.connection() as conn:
            cursor = await conn.execute(_TODAY_SQL)
            row = await cursor.fetchone()
        calls, tokens, refused = row or (0, 0, 0)
        return DailyUsage(calls, tokens, refused, self.daily_tokens, self.cost_per_1k_tokens)
