"""The daily Gemini token budget: counted in PostgreSQL, shared by processes."""

import asyncio
import subprocess
import sys
import textwrap

import pytest
from psycopg_pool import AsyncConnectionPool

from dovvybuddy.answering.answerer import Answerer
from dovvybuddy.answering.evidence import select_evidence
from dovvybuddy.answering.gemini import ConversationContext, GeminiAnswerWriter, GeminiBudgetSpent
from dovvybuddy.answering.llm_budget import TokenBudget
from dovvybuddy.database.migrations import apply_migrations
from tests.dovvybuddy.answering.test_answerer import PASSAGE, StoreReturning
from tests.fakes.gemini_server import Behaviour, answer

CONTEXT = ConversationContext(profile={}, history=[])


@pytest.fixture
def budget_url(database_url):
    apply_migrations(database_url)
    return database_url


@pytest.fixture
async def pool(budget_url):
    pool = AsyncConnectionPool(budget_url, min_size=1, max_size=2, open=False)
    yield pool
    await pool.close()


def writer_with(gemini_settings, budget):
    return GeminiAnswerWriter(gemini_settings, 120, budget)


async def ask(writer):
    return await writer.write(
        "how long is open water?", select_evidence("how long", [PASSAGE]), [PASSAGE], CONTEXT
    )


async def test_each_call_counts_the_tokens_gemini_reports(gemini_settings, fake_gemini, pool):
    budget = TokenBudget(pool, daily_tokens=100_000, cost_per_1k_tokens=0.5)
    writer = writer_with(gemini_settings, budget)
    await ask(writer)
    await ask(writer)
    usage = await budget.today()
    # The fake server reports 160 tokens a call; the reservations were settled.
    assert (usage.calls, usage.tokens, usage.refused) == (2, 320, 0)
    assert usage.estimated_cost == 0.16


async def test_a_spent_budget_answers_offline_without_calling_gemini(
    gemini_settings, fake_gemini, pool
):
    # Each call reserves 2,000 tokens and settles to the 160 the fake reports:
    # with 2,400 a day, calls fit while 160 * calls so far + 2,000 <= 2,400.
    budget = TokenBudget(pool, daily_tokens=2_400)
    writer = writer_with(gemini_settings, budget)
    for _ in range(3):
        await ask(writer)
    with pytest.raises(GeminiBudgetSpent):
        await ask(writer)
    assert len(fake_gemini.requests) == 3
    requests_before = len(fake_gemini.requests)

    answerer = Answerer(StoreReturning([PASSAGE]), writer, gemini_settings)
    text = await answerer.answer("how long does open water take", CONTEXT, "c1")
    assert "three to four days" in text  # the extractive answer
    assert len(fake_gemini.requests) == requests_before
    assert (await budget.today()).refused >= 2


async def test_a_failed_call_gives_its_reservation_back(gemini_settings, fake_gemini, pool):
    fake_gemini.behaviours.append(Behaviour(status=400, body={"error": {"code": 400}}))
    budget = TokenBudget(pool, daily_tokens=100_000)
    answerer = Answerer(
        StoreReturning([PASSAGE]), writer_with(gemini_settings, budget), gemini_settings
    )
    text = await answerer.answer("how long does open water take", CONTEXT, "c1")
    assert "three to four days" in text
    usage = await budget.today()
    assert (usage.calls, usage.tokens) == (1, 0)


async def test_without_a_database_the_budget_refuses_rather_than_spend(
    gemini_settings, fake_gemini
):
    closed = AsyncConnectionPool(
        "postgresql://nobody@127.0.0.1:1/none", min_size=0, max_size=1, open=False, timeout=0.5
    )
    fake_gemini.behaviours.append(answer("should not be asked"))
    answerer = Answerer(
        StoreReturning([PASSAGE]),
        writer_with(gemini_settings, TokenBudget(closed, daily_tokens=100_000)),
        gemini_settings,
    )
    text = await answerer.answer("how long does open water take", CONTEXT, "c1")
    assert "three to four days" in text
    assert fake_gemini.requests == []
    await closed.close()


RESERVING_PROCESS = textwrap.dedent(
    """
    import asyncio, sys
    from psycopg_pool import AsyncConnectionPool
    from dovvybuddy.answering.llm_budget import TokenBudget

    async def main(url):
        async with AsyncConnectionPool(url, min_size=1, max_size=1) as pool:
            budget = TokenBudget(pool, daily_tokens=25_000)
            granted = 0
            for _ in range(20):
                granted += await budget.reserve(1_000) is not None
            print(granted)

    asyncio.run(main(sys.argv[1]))
    """
)


async def test_two_processes_share_one_budget(budget_url, pool):
    processes = [
        await asyncio.create_subprocess_exec(
            sys.executable,
            "-c",
            RESERVING_PROCESS,
            budget_url,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        for _ in range(2)
    ]
    outputs = [await process.communicate() for process in processes]
    assert all(process.returncode == 0 for process in processes), outputs
    granted = [int(out.decode().strip()) for out, _ in outputs]
    # 40 attempts of 1,000 tokens against 25,000: exactly 25 granted in total.
    assert sum(granted) == 25
    usage = await TokenBudget(pool, daily_tokens=25_000).today()
    assert (usage.calls, usage.tokens, usage.refused) == (25, 25_000, 15)
