"""The rate limiter as pure logic with an injected clock."""

from __future__ import annotations

import pytest
from tap_clickup_extended.rate_limit import RateLimiter


class Clock:
    def __init__(self, now: float = 1_000_000.0) -> None:
        self.now = now
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def limiter(clock: Clock, per_minute: float = 60, reserve: float = 0.0) -> RateLimiter:
    return RateLimiter(per_minute, reserve, clock=clock, sleep=clock.sleep, reset_margin=0.5)


def test_bucket_allows_its_capacity_then_paces() -> None:
    clock = Clock()
    rl = limiter(clock, per_minute=60)
    for _ in range(60):
        assert rl.acquire() == 0
    waited = rl.acquire()
    assert waited == pytest.approx(1.0)  # 60/min: one token a second


def test_reserve_shrinks_the_bucket() -> None:
    clock = Clock()
    rl = limiter(clock, per_minute=100, reserve=0.25)
    assert rl.capacity == 75
    for _ in range(75):
        rl.acquire()
    assert rl.delay() == pytest.approx(0.8)  # 75/min


def test_alone_what_the_headers_leave_goes_at_once_then_waits_for_the_reset() -> None:
    clock = Clock()
    rl = limiter(clock, per_minute=100)
    start = clock.now
    rl.observe({"X-RateLimit-Remaining": "3", "X-RateLimit-Reset": str(start + 40)})
    assert rl.tokens == pytest.approx(3)
    sent_at = []
    for remaining in (2, 1, 0):
        rl.acquire()
        sent_at.append(clock.now - start)
        rl.observe({"X-RateLimit-Remaining": str(remaining), "X-RateLimit-Reset": str(start + 40)})
    # No one else spends the token: the three go now (ClickUp allows a burst) ...
    assert sent_at == pytest.approx([0, 0, 0])
    # ... and the fourth waits for the reset (plus the margin) instead of collecting a 429.
    assert rl.acquire() == pytest.approx(40.5)


def test_alone_a_window_is_spent_at_once_less_the_reserve() -> None:
    clock = Clock()
    rl = limiter(clock, per_minute=100, reserve=0.2)
    start = clock.now
    reset = start + 60
    sent = 0
    for remaining in range(99, 0, -1):
        if rl.delay() > 0:
            break
        rl.acquire()
        sent += 1
        rl.observe(_headers(remaining, reset))
    # 80 of the 100 at once; the 20 of the reserve stay free for other clients.
    assert sent == 80
    assert clock.now == start
    assert rl.delay() == pytest.approx(60.5)


def test_nothing_left_waits_until_reset_plus_margin() -> None:
    clock = Clock()
    rl = limiter(clock, per_minute=100)
    rl.observe({"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": str(int(clock.now + 30))})
    waited = rl.acquire()
    assert waited == pytest.approx(30.5)
    assert rl.tokens == pytest.approx(99)  # full share after the reset, minus this request


def test_reserve_applies_to_server_remaining() -> None:
    clock = Clock()
    rl = limiter(clock, per_minute=100, reserve=0.2)
    # 20 of the 100 are reserved for Airbyte: 15 remaining means nothing for us.
    rl.observe(
        {
            "X-RateLimit-Limit": "100",
            "X-RateLimit-Remaining": "15",
            "X-RateLimit-Reset": str(clock.now + 10),
        }
    )
    assert rl.delay() == pytest.approx(10.5)


def test_reset_in_ms_is_understood() -> None:
    clock = Clock()
    rl = limiter(clock)
    reset_ms = int((clock.now + 5) * 1000)
    assert rl.seconds_until_reset({"X-RateLimit-Reset": str(reset_ms)}) == pytest.approx(5.5)


def test_429_wait_is_until_reset_and_bounded() -> None:
    clock = Clock()
    rl = limiter(clock)
    assert rl.seconds_until_reset({"X-RateLimit-Reset": str(clock.now + 12)}) == pytest.approx(12.5)
    assert rl.seconds_until_reset({"X-RateLimit-Reset": str(clock.now + 10_000)}) == 120
    assert rl.seconds_until_reset({"X-RateLimit-Reset": str(clock.now - 50)}) == 0.5


def test_missing_or_garbage_headers_are_ignored() -> None:
    clock = Clock()
    rl = limiter(clock)
    rl.observe({})
    rl.observe({"X-RateLimit-Remaining": "lots"})
    assert rl.tokens == pytest.approx(60)


def _headers(remaining: int, reset: float, limit: int = 100) -> dict[str, str]:
    return {
        "X-RateLimit-Limit": str(limit),
        "X-RateLimit-Remaining": str(remaining),
        "X-RateLimit-Reset": str(int(reset)),
    }


def _headers_float(remaining: float, reset: float) -> dict[str, str]:
    return {"X-RateLimit-Limit": "100", "X-RateLimit-Remaining": f"{remaining:.3f}",
            "X-RateLimit-Reset": str(int(reset))}  # fmt: skip


def test_alone_the_other_client_rate_stays_zero() -> None:
    clock = Clock()
    rl = limiter(clock, per_minute=100)
    reset = clock.now + 60
    for remaining in range(99, 90, -1):
        rl.acquire()
        clock.now += 0.1
        rl.observe(_headers(remaining, reset))
    assert rl.other_rate == 0


def test_another_client_spending_is_measured_and_projected() -> None:
    clock = Clock()
    rl = limiter(clock, per_minute=100)
    start = clock.now
    reset = start + 60
    remaining = 100.0
    for _ in range(20):
        before = clock.now
        rl.acquire()
        remaining -= 1  # ours
        clock.now += 0.1
        remaining -= 0.5 * (clock.now - before)  # the other client: 30 requests a minute
        rl.observe(_headers_float(remaining, reset))
    assert rl.other_rate == pytest.approx(0.5, rel=0.05)
    # What the other client will spend until the reset is not ours to take.
    share = rl.projected_share(clock.now)
    assert share == pytest.approx(remaining - 0.5 * (reset - clock.now) - 1, abs=0.5)
    # ... and our share is spread over the rest of the window, not sent at once.
    assert 0 < rl.delay() < reset - clock.now
    # Three left with 10 s to go: the other client will take about five, so the next request
    # waits for the reset (plus the margin) rather than collect a 429.
    clock.now = reset - 10
    rl.observe(_headers_float(3, reset))
    before = clock.now
    assert rl.acquire() == pytest.approx(reset + 0.5 - before)


def test_projection_forgets_a_window_that_has_reset() -> None:
    clock = Clock()
    rl = limiter(clock, per_minute=100)
    reset = clock.now + 10
    rl.acquire()
    rl.observe(_headers(1, reset))
    clock.now = reset + 1  # the server's window is over; nothing was observed since
    assert rl.projected_usable(clock.now) is None
    assert rl.acquire() == 0
