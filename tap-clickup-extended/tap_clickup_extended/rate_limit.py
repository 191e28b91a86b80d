"""A token-bucket rate limiter corrected by ClickUp's ``X-RateLimit-*`` response headers.

The bucket holds this tap's share of the per-token budget: ``per_minute * (1 - reserve)``,
refilled continuously. Every response's ``X-RateLimit-Remaining`` (what the server still
allows until ``X-RateLimit-Reset``, epoch seconds) caps the bucket, minus the reserve kept
for other consumers of the same token (Airbyte). When the server says nothing is left for
us, the limiter blocks until the reset, so the tap never sends a request it expects to be
throttled.

Within a server window the limiter does not burst: it spreads what is left for it evenly
over the time to the reset (``pace``), so a client that starts later in the window (Airbyte)
still finds budget, and alone the tap runs at the full rate without idling at the end of a
window.

Another client spending the same token between two of our requests makes the server's
budget shrink faster than our own requests explain. The limiter measures that rate from
consecutive responses of one window and, before each request, projects what the other
client has spent since the last response and will spend until the reset; our share is the
rest (minus one spare while another client is active). When no share is left it waits for
the window's reset instead of collecting a 429.

Written here rather than taken from ``pyrate-limiter``: that library enforces fixed rates
on its own clock, while this budget is set by the server (headers, resets, other clients)
and changes with every response. The clock and the sleep are injectable for tests.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass

SECONDS_PER_MINUTE = 60.0
#: Weight of the newest sample in the other clients' spending rate (an EWMA).
OTHER_RATE_WEIGHT = 0.3


def _header_number(headers: Mapping[str, str], name: str) -> float | None:
    raw = headers.get(name)
    if raw is None:
        return None
    try:
        value = float(raw)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


@dataclass
class ServerView:
    """What the last response said about the server's window, and what we did since."""

    remaining: float
    limit: float
    reset_at: float | None
    observed_at: float
    sent_since: int = 0


class RateLimiter:
    """Decide how long to wait before each request; learn from every response."""

    def __init__(
        self,
        per_minute: float,
        reserve: float = 0.0,
        *,
        clock: Callable[[], float] = time.time,
        sleep: Callable[[float], None] = time.sleep,
        reset_margin: float = 1.0,
        max_reset_wait: float = 120.0,
    ) -> None:
        if per_minute <= 0:
            raise ValueError("per_minute must be positive")
        if not 0 <= reserve < 1:
            raise ValueError("reserve must be in [0, 1)")
        self.per_minute = per_minute
        self.reserve = reserve
        self.capacity = max(1.0, per_minute * (1 - reserve))
        self.refill_per_second = self.capacity / SECONDS_PER_MINUTE
        self.reset_margin = reset_margin
        self.max_reset_wait = max_reset_wait
        self._clock = clock
        self._sleep = sleep
        self._tokens = self.capacity
        self._updated_at = clock()
        self._blocked_until: float | None = None
        self._view: ServerView | None = None
        self._last_sent_at: float | None = None
        #: Requests per second other clients spend of the same token (0 when alone).
        self.other_rate = 0.0

    @property
    def tokens(self) -> float:
        """Tokens available now (after refill)."""
        self._refill(self._clock())
        return self._tokens

    def _refill(self, now: float) -> None:
        if self._blocked_until is not None and now >= self._blocked_until:
            # The server's window has reset: our whole share is available again.
            self._blocked_until = None
            self._tokens = self.capacity
            self._view = None
        elif self._blocked_until is None:
            elapsed = max(0.0, now - self._updated_at)
            self._tokens = min(self.capacity, self._tokens + elapsed * self.refill_per_second)
        self._updated_at = now

    def projected_usable(self, now: float) -> float | None:
        """Requests the server should still take from us now (``None``: no view)."""
        view = self._view
        if view is None:
            return None
        if view.reset_at is not None and now >= view.reset_at:
            self._view = None  # that window is over; the next response starts a new view
            return None
        spent_by_others = self.other_rate * max(0.0, now - view.observed_at)
        return view.remaining - view.sent_since - spent_by_others - self.reserve * view.limit

    def delay(self) -> float:
        """Seconds to wait before the next request may be sent (0 when it may go now)."""
        now = self._clock()
        self._refill(now)
        if self._blocked_until is not None:
            return self._blocked_until - now
        share = self.projected_share(now)
        if share is not None and share < 1:
            view = self._view
            assert view is not None
            self._tokens = 0.0
            self._blocked_until = self._reset_deadline(now, view.reset_at)
            return self._blocked_until - now
        if self._tokens < 1:
            return (1 - self._tokens) / self.refill_per_second
        return self.pace(now, share)

    def projected_share(self, now: float) -> float | None:
        """Requests left for us until the reset, after other clients' projected spending."""
        usable = self.projected_usable(now)
        view = self._view
        if usable is None or view is None:
            return None
        spare = 1 if self.other_rate > 0 else 0
        time_left = max(0.0, view.reset_at - now) if view.reset_at is not None else 0.0
        return usable - self.other_rate * time_left - spare

    def pace(self, now: float, share: float | None) -> float:
        """Seconds until our share, spread evenly over the time to the reset, allows a request."""
        view = self._view
        if share is None or view is None or view.reset_at is None or self._last_sent_at is None:
            return 0.0
        # ``share`` requests plus the gap before the reset: the last one is not sent at the edge.
        interval = max(0.0, view.reset_at - self._last_sent_at) / (share + 1)
        return max(0.0, self._last_sent_at + interval - now)

    def acquire(self) -> float:
        """Wait until a request may be sent, take one token, and return the seconds waited."""
        waited = 0.0
        while (pause := self.delay()) > 0:
            self._sleep(pause)
            waited += pause
        self._tokens -= 1
        self._last_sent_at = self._clock()
        if self._view is not None:
            self._view.sent_since += 1
        return waited

    def observe(self, headers: Mapping[str, str]) -> None:
        """Correct the bucket from a response's ``X-RateLimit-*`` headers (any status)."""
        remaining = _header_number(headers, "X-RateLimit-Remaining")
        if remaining is None:
            return
        now = self._clock()
        self._refill(now)
        limit = _header_number(headers, "X-RateLimit-Limit") or self.per_minute
        reset = self._reset_epoch(headers, now)
        self._learn_other_rate(remaining, reset, now)
        self._view = ServerView(remaining, limit, reset, now)
        usable = remaining - self.reserve * limit
        if usable < 1:
            self._tokens = 0.0
            self._blocked_until = self._reset_deadline(now, reset)
        else:
            self._tokens = min(self._tokens, usable)

    def _learn_other_rate(self, remaining: float, reset: float | None, now: float) -> None:
        """Update ``other_rate`` from what the server lost beyond our own requests."""
        previous = self._view
        if previous is None or reset is None or previous.reset_at != reset:
            return  # no earlier response in this window to compare with
        elapsed = now - previous.observed_at
        if elapsed <= 0:
            return
        # ``sent_since`` includes the request this response answers.
        spent_by_others = max(0.0, previous.remaining - previous.sent_since - remaining)
        sample = spent_by_others / elapsed
        self.other_rate += OTHER_RATE_WEIGHT * (sample - self.other_rate)
        if self.other_rate < 1e-3:
            self.other_rate = 0.0

    def seconds_until_reset(self, headers: Mapping[str, str]) -> float:
        """How long a 429 must wait: until ``X-RateLimit-Reset`` plus the margin (bounded)."""
        now = self._clock()
        deadline = self._reset_deadline(now, self._reset_epoch(headers, now))
        return max(0.0, deadline - now)

    def _reset_epoch(self, headers: Mapping[str, str], now: float) -> float | None:
        reset = _header_number(headers, "X-RateLimit-Reset")
        if reset is None:
            return None
        # The unit is undocumented (docs/clickup-api.md §2): treat values that look like ms as ms.
        return reset / 1000 if reset > now * 100 else reset

    def _reset_deadline(self, now: float, reset: float | None) -> float:
        if reset is None:
            # No reset given: wait for one full token of our share to refill.
            return now + SECONDS_PER_MINUTE / self.capacity + self.reset_margin
        return min(max(reset, now) + self.reset_margin, now + self.max_reset_wait)
