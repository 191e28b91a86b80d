"""The rate limiter beside other clients of the token, replayed on a simulated clock.

Each scenario sends a run's requests through the real ``RateLimiter`` against a fake server
with the sandbox's windows (``limiter_replay``) and compares the simulated duration with the
least time the budget allows (``clickup_sandbox.budget_floor``). Before the spending estimate
decayed and was re-learned every window, one burst of the other client or one spurious 429
made the limiter wait for every reset for the rest of the run (hundreds of seconds here).
"""

from __future__ import annotations

from clickup_sandbox.budget_floor import budget_floor
from tap_clickup_extended.spending_estimate import SpendingEstimate

from .limiter_replay import OtherClient, replay

LIMIT, WINDOW = 100, 5.0
REQUESTS = 300


def _floor(other: OtherClient | None = None) -> float:
    return budget_floor(REQUESTS, LIMIT, WINDOW, other.times() if other else None)


def test_a_second_client_that_spends_95_percent_for_8_s_then_stops() -> None:
    # Its thread stalls now and then and catches up in a burst, as SecondClient does on a
    # busy machine: one such burst used to read as a rate of hundreds of requests a second.
    other = OtherClient(95, WINDOW, 8.0, stall_every=2.0, stall_seconds=0.5)
    run = replay(REQUESTS, limit=LIMIT, window_seconds=WINDOW, other=other)
    floor = _floor(other)
    assert run.seconds <= 1.25 * floor, (run.seconds, floor)
    assert run.ours_throttled == 0
    assert run.rate_at_end < 1.0  # the other client stopped: the estimate says so
    # Once it has stopped, the tap runs at the full rate again: no wait for a whole window
    # (alone, the limiter's only pause is the reset margin when a window is used up).
    assert max(run.gaps[-100:]) < WINDOW / 2


def test_thirty_spurious_429s_cost_their_resets_and_nothing_more() -> None:
    run = replay(REQUESTS, limit=LIMIT, window_seconds=WINDOW, spurious_every=5, spurious_count=30)
    alone = replay(REQUESTS, limit=LIMIT, window_seconds=WINDOW)
    assert run.spurious == 30
    # A 429 waits for its reset (the design); the estimate stays clean, so nothing else slows.
    assert run.seconds <= 1.1 * (alone.seconds + run.waits_429), (run.seconds, run.waits_429)
    assert run.rate_at_end == 0
    assert max(run.gaps[-50:]) < WINDOW / 2


def test_one_absurd_response_fades_within_a_few_windows() -> None:
    # Remaining: 1 right after a window began: 80 requests "spent" by someone in 50 ms.
    run = replay(REQUESTS, limit=LIMIT, window_seconds=WINDOW, anomaly_at=20)
    alone = replay(REQUESTS, limit=LIMIT, window_seconds=WINDOW)
    assert run.seconds <= alone.seconds + 5 * (WINDOW + 1), (run.seconds, alone.seconds)
    assert run.rate_at_end < 0.5  # of a budget of 20 a second


def test_a_client_that_keeps_spending_95_percent_meets_no_429_from_us() -> None:
    other = OtherClient(95, WINDOW, 120.0, stall_every=2.0, stall_seconds=0.5)
    run = replay(REQUESTS, limit=LIMIT, window_seconds=WINDOW, other=other)
    assert run.ours_throttled == 0
    # Its own 429s come from its catch-up bursts, and from the first moments of the run: it
    # starts with us, so before its spending shows in a response we spend the window at once
    # (alone, that is the point; a reserve is what keeps budget free for such a client). A
    # limiter that kept bursting once it had seen the other client would cost it far more.
    assert run.others_throttled <= run.other_sent // 100 + 10, run
    assert run.seconds <= 1.25 * _floor(other)


def test_the_estimate_decays_toward_zero_when_evidence_stops() -> None:
    estimate = SpendingEstimate(memory_seconds=5.0, decay_seconds=10.0, min_seconds=0.5)
    estimate.add(50, 2.5, now=100.0)
    assert estimate.rate(100.0) == 20
    assert estimate.rate(105.0) == 20  # within a window nothing has gone unobserved yet
    assert estimate.rate(125.0) < 20 * 0.15
    # Evidence after the gap starts from the decayed rate: no spending over 1 s brings it down.
    estimate.add(0, 1.0, now=125.0)
    assert estimate.rate(125.0) < 1.0


def test_a_short_span_cannot_make_the_estimate_huge() -> None:
    estimate = SpendingEstimate(memory_seconds=5.0, decay_seconds=10.0, min_seconds=0.5)
    estimate.add(3, 0.01, now=1.0)
    assert estimate.rate(1.0) == 6  # 3 over at least half a second, not 300 a second
