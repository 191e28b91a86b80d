"""How fast other consumers of our token spend its budget, re-learned from every window.

The evidence is pairs (requests other clients spent, seconds it took), read off the rate-limit
headers by ``rate_limit.RateLimiter``. The estimate is their ratio, with both sums forgotten
exponentially (time constant ``memory_seconds``, one server window), so:

- it follows what the last window or so of headers says, not what older ones said;
- a short span cannot make it huge: the seconds are counted as at least ``min_seconds``;
- when the evidence stops for longer than ``memory_seconds`` (no response in a whole window),
  the rate itself decays toward zero (time constant ``decay_seconds``), and the next piece of
  evidence starts from the decayed rate: a rate too high to let any request through cannot
  keep the limiter waiting for ever.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

#: Rates below this many requests a second are no other client at all.
NEGLIGIBLE_RATE = 1e-3


def _kept(age: float, time_constant: float, grace: float = 0.0) -> float:
    return math.exp(-max(0.0, age - grace) / max(time_constant, 1e-9))


@dataclass
class SpendingEstimate:
    """Other clients' requests a second: spent ÷ seconds, both exponentially forgotten."""

    memory_seconds: float = 60.0
    decay_seconds: float = 120.0
    min_seconds: float = 6.0
    spent: float = 0.0
    seconds: float = 0.0
    evidence_at: float | None = None

    def add(self, spent: float, seconds: float, now: float) -> None:
        """Other clients spent ``spent`` requests over the ``seconds`` that end at ``now``."""
        if seconds <= 0:
            return
        if self.evidence_at is not None:
            memory = _kept(now - self.evidence_at, self.memory_seconds)
            # The time between the last evidence and this one's start went unobserved: the
            # rate decayed over it, and this evidence starts from the decayed rate.
            unobserved = now - seconds - self.evidence_at
            self.spent *= memory * self._decayed(unobserved)
            self.seconds *= memory
        self.spent += max(0.0, spent)
        self.seconds += seconds
        self.evidence_at = now

    def _decayed(self, unobserved: float) -> float:
        """What is left of a rate after ``unobserved`` seconds without evidence (the first
        ``memory_seconds`` are free: between two windows some time always goes unseen)."""
        return _kept(unobserved, self.decay_seconds, grace=self.memory_seconds)

    def rate(self, now: float) -> float:
        """Requests a second other clients spend now (0.0 when there is no sign of any)."""
        if self.evidence_at is None or self.spent <= 0:
            return 0.0
        learned = self.spent / max(self.seconds, self.min_seconds)
        current = learned * self._decayed(now - self.evidence_at)
        return current if current >= NEGLIGIBLE_RATE else 0.0
