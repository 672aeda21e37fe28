"""Sliding-window rate limits (LLM calls, web channel messages)."""

from dovvybuddy.common.rate_limit import SlidingWindowLimiter


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_calls_within_the_limit_are_allowed_and_the_next_is_not():
    limiter = SlidingWindowLimiter(2, 60, clock=Clock())
    assert [limiter.allow("a") for _ in range(3)] == [True, True, False]


def test_each_key_has_its_own_budget():
    limiter = SlidingWindowLimiter(1, 60, clock=Clock())
    assert limiter.allow("a") and limiter.allow("b")
    assert not limiter.allow("a")


def test_budget_comes_back_when_the_window_slides():
    clock = Clock()
    limiter = SlidingWindowLimiter(1, 60, clock=clock)
    assert limiter.allow("a")
    clock.now = 59.9
    assert not limiter.allow("a")
    clock.now = 60.0
    assert limiter.allow("a")


def test_retry_after_says_when_the_oldest_event_leaves_the_window():
    clock = Clock()
    limiter = SlidingWindowLimiter(1, 60, clock=clock)
    assert limiter.retry_after("a") == 0.0
    limiter.allow("a")
    clock.now = 15.0
    assert limiter.retry_after("a") == 45.0


def test_idle_keys_are_forgotten_once_many_are_tracked(monkeypatch):
    monkeypatch.setattr("dovvybuddy.common.rate_limit.PRUNE_AT_KEYS", 3)
    clock = Clock()
    limiter = SlidingWindowLimiter(1, 60, clock=clock)
    for key in "abc":
        limiter.allow(key)
    clock.now = 61.0
    limiter.allow("d")
    assert set(limiter._events) == {"d"}
