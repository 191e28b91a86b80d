"""Replay a run of the tap's requests through the real ``RateLimiter`` on a simulated clock.

``FakeServer`` counts requests per token like the sandbox (``clickup_sandbox/ratelimit.py``):
a window of ``limit`` requests starts on first use and lasts ``window_seconds``; its reset is
announced in whole epoch seconds, rounded up; 429s count too. ``replay`` sends ``requests``
sequential requests the way ``client.py`` does (``acquire``, the response's headers to
``observe``, a 429 retried after ``seconds_until_reset``), while ``OtherClient`` spends the
same token on its own schedule, and optionally answers some of our requests with a spurious
429 (``Remaining: 0``, not charged, like the sandbox's ``http_429`` fault), or one successful
response whose ``Remaining`` is absurdly low (``anomaly_at``).

The runs are compared with ``clickup_sandbox.budget_floor``: the least time the budget the
other client leaves allows.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, field

from clickup_sandbox.budget_floor import spending_times
from tap_clickup_extended.rate_limit import RateLimiter

START = 1_700_000_000.0


class Clock:
    """Simulated epoch seconds; ``sleep`` advances them."""

    def __init__(self, now: float = START) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += max(0.0, seconds)


@dataclass
class FakeServer:
    """Fixed windows that start on first use, like the sandbox."""

    limit: int
    window_seconds: float
    start: float | None = None
    used: int = 0
    throttled: int = 0

    def _roll(self, now: float) -> None:
        if self.start is None or now >= self.start + self.window_seconds:
            self.start, self.used = now, 0

    def hit(self, now: float) -> tuple[bool, dict[str, str]]:
        """Count one request; whether it is allowed, and the headers of its answer."""
        self._roll(now)
        self.used += 1
        allowed = self.used <= self.limit
        if not allowed:
            self.throttled += 1
        return allowed, self.headers(max(0, self.limit - self.used))

    def peek(self, now: float) -> dict[str, str]:
        """The headers of a spurious 429: the current reset, ``Remaining: 0``, not charged."""
        self._roll(now)
        return self.headers(0)

    def headers(self, remaining: int) -> dict[str, str]:
        assert self.start is not None
        return {
            "X-RateLimit-Limit": str(self.limit),
            "X-RateLimit-Remaining": str(remaining),
            "X-RateLimit-Reset": str(math.ceil(self.start + self.window_seconds)),
        }


@dataclass
class OtherClient:
    """Another consumer of the token: ``per_window`` requests evenly spaced, for ``seconds``."""

    per_window: float
    window_seconds: float
    seconds: float
    #: Every ``stall_every`` seconds its thread stalls for ``stall_seconds`` and then sends
    #: what it missed at once, as ``SecondClient`` does on a busy machine (0: never).
    stall_every: float = 0.0
    stall_seconds: float = 0.0

    def times(self) -> list[float]:
        """Seconds after the start at which it sends."""
        plan = spending_times(self.per_window, self.window_seconds, self.seconds)
        if not self.stall_every:
            return plan
        out = []
        for t in plan:
            into = t % self.stall_every
            out.append(t - into + self.stall_seconds if into < self.stall_seconds else t)
        return out


@dataclass
class Replay:
    """The outcome of one replayed run."""

    seconds: float
    sent: int
    ours_throttled: int
    spurious: int
    other_sent: int
    others_throttled: int
    #: Seconds the 429s' own headers made us wait (until their reset, plus the margin).
    waits_429: float
    rate_at_end: float
    gaps: list[float] = field(default_factory=list)


def replay(
    requests: int,
    *,
    limit: int = 100,
    window_seconds: float = 5.0,
    other: OtherClient | None = None,
    spurious_every: int = 0,
    spurious_count: int = 0,
    latency: float = 0.02,
    reset_margin: float = 1.0,
    anomaly_at: int = 0,
) -> Replay:
    """Send ``requests`` requests through a fresh limiter; simulated seconds and counts."""
    clock = Clock()
    per_minute = limit * 60 / window_seconds
    limiter = RateLimiter(per_minute, clock=clock, sleep=clock.sleep, reset_margin=reset_margin)
    server = FakeServer(limit, window_seconds)
    pending = [START + t for t in other.times()] if other else []
    other_sent = 0
    ours_throttled = spurious = attempts = done = 0
    waits_429 = 0.0
    sent_at: list[float] = []

    def others_until(now: float) -> None:
        nonlocal other_sent
        while pending and pending[0] <= now:
            server.hit(pending.pop(0))
            other_sent += 1

    while done < requests:
        limiter.acquire()
        now = clock.now
        others_until(now)
        attempts += 1
        sent_at.append(now)
        if spurious_every and spurious < spurious_count and attempts % spurious_every == 0:
            spurious += 1
            status, headers = 429, server.peek(now)
        else:
            allowed, headers = server.hit(now)
            status = 200 if allowed else 429
            ours_throttled += 0 if allowed else 1
        if anomaly_at and attempts == anomaly_at:
            # One successful response whose Remaining fell far more than anyone spent.
            headers = {**headers, "X-RateLimit-Remaining": "1"}
        clock.sleep(latency)
        others_until(clock.now)
        limiter.observe(headers, status)
        if status == 429:
            wait = limiter.seconds_until_reset(headers)
            waits_429 += wait
            clock.sleep(wait)
            continue
        done += 1
    gaps = [b - a for a, b in itertools.pairwise(sent_at)]
    return Replay(
        seconds=clock.now - START,
        sent=attempts,
        ours_throttled=ours_throttled,
        spurious=spurious,
        other_sent=other_sent,
        others_throttled=server.throttled - ours_throttled,
        waits_429=waits_429,
        rate_at_end=limiter.other_rate,
        gaps=gaps,
    )
