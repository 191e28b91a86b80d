"""A token-bucket rate limiter corrected by ClickUp's ``X-RateLimit-*`` response headers.

The bucket holds this tap's share of the per-token budget: ``per_minute * (1 - reserve)``,
refilled continuously. Every response's ``X-RateLimit-Remaining`` (what the server still
allows until ``X-RateLimit-Reset``, epoch seconds) caps the bucket, minus the reserve kept
for other consumers of the same token (Airbyte). When the server says nothing is left for
us, the limiter blocks until the reset, so the tap never sends a request it expects to be
throttled. A 429 is retried after the reset (``seconds_until_reset``).

Alone on the token, the limiter spends what the server says remains (less the reserve) at
once, as ClickUp allows, and waits for the reset only when that is used up: a run that fits
in one window costs its latency, not a minute. Once another client's spending is measured,
it spreads our share evenly over the time to the reset (``pace``), so that client (Airbyte)
keeps finding budget for the rest of the window and neither of us collects a 429.

Other clients of the same token. The server's window (the one ``X-RateLimit-Reset`` names)
holds ``X-RateLimit-Limit`` requests; what it lost beyond the requests we sent in it is what
other clients spent. Every successful response is evidence, read from the headers:

- the first response of a window: what others spent since the previous window's reset (at
  most one ``window_seconds`` back: the window holds only its own requests);
- every later response of the window: what they spent since our previous response.

``spending_estimate.SpendingEstimate`` turns that evidence into a rate (requests ÷ seconds,
both forgotten exponentially over one window, seconds counted as at least a tenth of one),
and the rate decays toward zero while no evidence comes. Before each request the limiter
projects what others have spent since the last response and will spend until the reset; our
share is the rest (minus one spare while another client is active). When no share is left
it waits for the window's reset instead of collecting a 429, and the next window's first
response re-learns the rate: if the other client has stopped, it says so at once.

A 429 teaches nothing about other clients: a genuine one says ``Remaining: 0`` (and we wait
for the reset anyway), a spurious one says whatever it says, and taking either as spending
would read one odd response as another client emptying the budget in milliseconds, which
would keep the tap waiting for every reset.

Written here rather than taken from ``pyrate-limiter``: that library enforces fixed rates
on its own clock, while this budget is set by the server (headers, resets, other clients)
and changes with every response. The clock and the sleep are injectable for tests; the
public methods are thread-safe (one lock; ``acquire`` sleeps outside it).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from tap_clickup_extended.clickup_http import HTTP_TOO_MANY_REQUESTS, header_number, reset_epoch
from tap_clickup_extended.spending_estimate import SpendingEstimate

SECONDS_PER_MINUTE = 60.0
#: The spending estimate counts a span of evidence as at least this share of a window.
MIN_EVIDENCE_WINDOW_SHARE = 0.1
#: The rate decays toward zero over this many windows without evidence.
DECAY_WINDOWS = 2.0


@dataclass
class ServerView:
    """What the last response said about the server's window, and what we did since."""

    remaining: float
    limit: float
    reset_at: float | None
    observed_at: float
    sent_since: int = 0


@dataclass
class WindowTally:
    """One server window as our successful responses saw it."""

    reset_at: float
    #: Our requests the server counted in this window (the answered ones).
    ours: int
    #: Requests other clients had spent in it at ``evidence_at``.
    others: float
    evidence_at: float


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
        self._lock = threading.RLock()
        self._tokens = self.capacity
        self._updated_at = clock()
        self._blocked_until: float | None = None
        self._view: ServerView | None = None
        self._last_sent_at: float | None = None
        self._tally: WindowTally | None = None
        #: The server window's length: the longest time to a reset any response announced.
        self.window_seconds: float | None = None
        self.estimate = SpendingEstimate()

    @property
    def other_rate(self) -> float:
        """Requests a second other clients spend of the same token now (0 when alone)."""
        with self._lock:
            return self.estimate.rate(self._clock())

    @property
    def tokens(self) -> float:
        """Tokens available now (after refill)."""
        with self._lock:
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
        with self._lock:
            view = self._view
            if view is None:
                return None
            if view.reset_at is not None and now >= view.reset_at:
                self._view = None  # that window is over; the next response starts a new view
                return None
            spent_by_others = self.estimate.rate(now) * max(0.0, now - view.observed_at)
            return view.remaining - view.sent_since - spent_by_others - self.reserve * view.limit

    def delay(self) -> float:
        """Seconds to wait before the next request may be sent (0 when it may go now)."""
        with self._lock:
            return self._delay(self._clock())

    def _delay(self, now: float) -> float:
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
        with self._lock:
            usable = self.projected_usable(now)
            view = self._view
            if usable is None or view is None:
                return None
            rate = self.estimate.rate(now)
            spare = 1 if rate > 0 else 0
            time_left = max(0.0, view.reset_at - now) if view.reset_at is not None else 0.0
            return usable - rate * time_left - spare

    def pace(self, now: float, share: float | None) -> float:
        """Seconds until our share, spread evenly over the time to the reset, allows a request.

        Alone on the token (no other client's spending measured), nothing is spread: ClickUp
        lets a token spend its window at once, so the share goes now and the limiter waits for
        the reset only when it is used up (the reserve stays free all the same).
        """
        view = self._view
        if share is None or view is None or view.reset_at is None or self._last_sent_at is None:
            return 0.0
        if self.estimate.rate(now) <= 0:
            return 0.0
        # ``share`` requests plus the gap before the reset: the last one is not sent at the edge.
        interval = max(0.0, view.reset_at - self._last_sent_at) / (share + 1)
        return max(0.0, self._last_sent_at + interval - now)

    def acquire(self) -> float:
        """Wait until a request may be sent, take one token, and return the seconds waited."""
        waited = 0.0
        while True:
            with self._lock:
                now = self._clock()
                pause = self._delay(now)
                if pause <= 0:
                    self._tokens -= 1
                    self._last_sent_at = now
                    if self._view is not None:
                        self._view.sent_since += 1
                    return waited
            self._sleep(pause)
            waited += pause

    def observe(self, headers: Mapping[str, str], status: int | None = None) -> None:
        """Correct the bucket from a response's ``X-RateLimit-*`` headers (any status).

        ``status`` is the response's HTTP status: a 429 corrects the bucket but is not
        evidence of other clients' spending (see the module docstring).
        """
        remaining = header_number(headers, "X-RateLimit-Remaining")
        if remaining is None:
            return
        with self._lock:
            now = self._clock()
            self._refill(now)
            stated_limit = header_number(headers, "X-RateLimit-Limit")
            limit = stated_limit or self.per_minute
            reset = self._reset_epoch(headers, now)
            if reset is not None:
                self._learn_window_length(reset - now)
                if status != HTTP_TOO_MANY_REQUESTS:
                    self._learn_other_spending(remaining, stated_limit, reset, now)
            self._view = ServerView(remaining, limit, reset, now)
            usable = remaining - self.reserve * limit
            if usable < 1:
                self._tokens = 0.0
                self._blocked_until = self._reset_deadline(now, reset)
            else:
                self._tokens = min(self._tokens, usable)

    def _learn_window_length(self, seconds_to_reset: float) -> None:
        if seconds_to_reset <= 0 or seconds_to_reset > self.max_reset_wait:
            return
        self.window_seconds = max(self.window_seconds or 0.0, seconds_to_reset)
        self.estimate.memory_seconds = self.window_seconds
        self.estimate.decay_seconds = self.window_seconds * DECAY_WINDOWS
        self.estimate.min_seconds = self.window_seconds * MIN_EVIDENCE_WINDOW_SHARE

    def _learn_other_spending(
        self, remaining: float, limit: float | None, reset: float, now: float
    ) -> None:
        """Add what other clients spent since the last evidence to the estimate."""
        tally = self._tally
        if tally is not None and reset == tally.reset_at:
            tally.ours += 1
            if limit is None:
                # Without the window's size, only the change since our last response counts.
                others = tally.others + max(0.0, self._view_remaining(tally) - remaining)
            else:
                others = max(0.0, limit - remaining - tally.ours)
            self.estimate.add(others - tally.others, now - tally.evidence_at, now)
            tally.others, tally.evidence_at = others, now
            return
        if tally is not None and reset < tally.reset_at:
            return  # an answer from a window that is over (a slow response): nothing to learn
        others = max(0.0, (limit or 0.0) - remaining - 1)
        if limit is not None and self.window_seconds is not None:
            # Whatever others spent since the previous reset is counted in this window (a
            # window that starts on first use began with the first request after it), so
            # that is the span; with no previous window, or long ago, the window's length.
            if tally is not None:
                span = min(now - tally.reset_at, self.window_seconds)
            else:
                span = now - (reset - self.window_seconds)
            self.estimate.add(others, span, now)
        self._tally = WindowTally(reset, ours=1, others=others, evidence_at=now)

    def _view_remaining(self, tally: WindowTally) -> float:
        """What the previous response of ``tally``'s window said remained, less our requests
        since (only used when the server does not state its limit)."""
        view = self._view
        if view is None or view.reset_at != tally.reset_at:
            return 0.0
        return view.remaining - view.sent_since

    def seconds_until_reset(self, headers: Mapping[str, str]) -> float:
        """How long a 429 must wait: until ``X-RateLimit-Reset`` plus the margin (bounded)."""
        now = self._clock()
        deadline = self._reset_deadline(now, self._reset_epoch(headers, now))
        return max(0.0, deadline - now)

    def _reset_epoch(self, headers: Mapping[str, str], now: float) -> float | None:
        # The unit is undocumented (docs/clickup-api.md §2): clickup_http.reset_epoch decides.
        return reset_epoch(headers, now)

    def _reset_deadline(self, now: float, reset: float | None) -> float:
        if reset is None:
            # No reset given: wait for one full token of our share to refill.
            return now + SECONDS_PER_MINUTE / self.capacity + self.reset_margin
        return min(max(reset, now) + self.reset_margin, now + self.max_reset_wait)
