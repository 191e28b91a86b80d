"""Per-token fixed-window rate limiting with ClickUp's X-RateLimit-* headers."""

from __future__ import annotations

import math
import threading
import time
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class RateDecision:
    """The outcome of counting one request against a token's budget."""

    allowed: bool
    limit: int
    remaining: int
    reset_epoch_s: int

    def headers(self) -> dict[str, str]:
        """The three headers ClickUp sends (reset in Unix epoch seconds, rounded up)."""
        return {
            "X-RateLimit-Limit": str(self.limit),
            "X-RateLimit-Remaining": str(self.remaining),
            "X-RateLimit-Reset": str(self.reset_epoch_s),
        }


class RateLimiter:
    """``limit`` requests per ``window_s`` seconds for each token; a window starts on first use."""

    def __init__(self, limit: int, window_s: float, clock=time.time) -> None:
        self.limit = limit
        self.window_s = window_s
        self._clock = clock
        self._lock = threading.Lock()
        self._windows: dict[str, tuple[float, int]] = {}

    def _current(self, key: str, now: float) -> tuple[float, int]:
        start, used = self._windows.get(key, (now, 0))
        if now >= start + self.window_s:
            start, used = now, 0
        return start, used

    def hit(self, key: str) -> RateDecision:
        """Count one request (429s count too) and say whether it may proceed."""
        with self._lock:
            now = self._clock()
            start, used = self._current(key, now)
            used += 1
            self._windows[key] = (start, used)
            return RateDecision(
                allowed=used <= self.limit,
                limit=self.limit,
                remaining=max(0, self.limit - used),
                reset_epoch_s=math.ceil(start + self.window_s),
            )

    def peek(self, key: str) -> RateDecision:
        """The budget as it stands, without counting a request."""
        with self._lock:
            now = self._clock()
            start, used = self._current(key, now)
            return RateDecision(
                allowed=used < self.limit,
                limit=self.limit,
                remaining=max(0, self.limit - used),
                reset_epoch_s=math.ceil(start + self.window_s),
            )

    def reset(self) -> None:
        """Forget every window."""
        with self._lock:
            self._windows.clear()
