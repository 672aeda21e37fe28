"""Sliding-window limits on LLM calls."""

from actions.rate_limit import SlidingWindowLimiter


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
