"""The least time a rate budget allows a run, beside a second client spending the same token.

Tests and benchmarks of the tap's rate limiter compare a run's duration with this floor.
The budget is ``limit`` requests per fixed window of ``window_seconds`` (from the first
request); in every window the second client's requests come first (all of them: a fair run
must not take what the other client will spend later in the window), and ours go out at no
more than the budget's own rate (``limit / window_seconds``, what the tap runs at alone),
each as soon as its window has room. The floor is when our last request goes out.
"""

from __future__ import annotations

import math


def spending_times(per_window: float, window_seconds: float, seconds: float) -> list[float]:
    """When a client sending ``per_window`` requests per window, evenly spaced, for
    ``seconds`` sends (seconds from its start), like ``second_client.SecondClient``."""
    interval = window_seconds / per_window
    return [i * interval for i in range(math.ceil(seconds / interval))]


def budget_floor(
    requests: int, limit: int, window_seconds: float, others: list[float] | None = None
) -> float:
    """Seconds from our first request to our last one, at best, for ``requests`` requests."""
    if requests <= 0:
        return 0.0
    interval = window_seconds / limit
    theirs = sorted(others or [])
    ours: list[float] = []
    now = 0.0
    while len(ours) < requests:
        start = math.floor(now / window_seconds + 1e-9) * window_seconds
        end = start + window_seconds
        used = sum(1 for t in theirs if start <= t < end) + sum(1 for t in ours if t >= start)
        if used < limit:
            ours.append(now)
            now += interval
        else:
            now = end
    return ours[-1]
