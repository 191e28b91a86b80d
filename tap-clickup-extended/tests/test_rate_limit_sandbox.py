"""Against the sandbox: the real tap beside the real second client, and among spurious 429s.

The run's wall time is compared with the least time the budget allows: the same run alone
plus what the other client's spending takes out of the budget
(``clickup_sandbox.budget_floor``), or plus the waits the 429s' own reset headers demand.
Before the limiter re-learned other clients' spending every window, either scenario could
leave it waiting for every reset for the rest of the run (300 to 460 s for this workspace).
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from clickup_sandbox.budget_floor import budget_floor, spending_times
from clickup_sandbox.second_client import SecondClient

from orchestrate.sandbox_runner import Sandbox, running_sandbox

from .tap_testkit import TapRun, run_tap

ALONE, SHARED, SPURIOUS = "pk_sandbox", "pk_shared", "pk_spurious"
WORKSPACE = ["--tasks", "250", "--members", "5", "--months", "3", "--seed", "5"]
#: A stalled limiter waits for every reset: bound each run well below that.
RUN_TIMEOUT = 120
SPURIOUS_429S = 8
RETRY_WAIT = re.compile(r"failed \(HTTP 429[^)]*\); retrying in ([0-9.]+) s")


def _config(box: Sandbox, token: str, limit: int, window: float) -> dict[str, Any]:
    return {
        "api_token": token,
        "base_url": box.api_url,
        "max_retries": 6,
        "rate_limit_per_minute": limit * 60 / window,
    }


def _timed(tmp_path: Path, config: dict[str, Any]) -> tuple[TapRun, float]:
    tmp_path.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    run = run_tap(tmp_path, config, timeout=RUN_TIMEOUT)
    wall = time.monotonic() - started
    assert run.returncode == 0, run.stderr[-2000:]
    return run, wall


def _requests(run: TapRun) -> int:
    total = next(line for line in run.stderr.splitlines() if "Run summary: TOTAL" in line)
    return int(total.split("requests=")[1].split()[0])


@pytest.fixture(scope="module")
def shared_box() -> Iterator[Sandbox]:
    """100 requests per 5 s per token (20 a second, ClickUp's rate times 12)."""
    tokens = ["--token", SHARED]
    with running_sandbox(*WORKSPACE, *tokens, "--rate-limit", "100", "--rate-window-seconds", "5") as box:  # fmt: skip
        yield box


def test_a_second_client_spending_95_percent_for_8_s_costs_only_what_it_spent(
    shared_box: Sandbox, tmp_path: Path
) -> None:
    limit, window = 100, 5.0
    _, alone_wall = _timed(tmp_path / "alone", _config(shared_box, ALONE, limit, window))
    other = SecondClient(
        shared_box.api_url, SHARED, per_window=95, window_seconds=window, seconds=8.0,
        after_first_request=True,
    )  # fmt: skip
    with other:
        shared, wall = _timed(tmp_path / "shared", _config(shared_box, SHARED, limit, window))
    stats = shared_box.stats()
    requests = _requests(shared)
    spent = spending_times(95, window, 8.0)
    taken = budget_floor(requests, limit, window, spent) - budget_floor(requests, limit, window)
    floor = alone_wall + taken
    print(
        f"alone {alone_wall:.1f} s, shared {wall:.1f} s, floor {floor:.1f} s, {requests} requests"
    )
    assert other.counts.ok > 100  # it did spend most of the budget
    assert wall <= 2 * floor, (wall, floor, alone_wall, requests)
    ours_throttled = stats["throttled"] - other.counts.throttled
    assert ours_throttled <= 1, stats


@pytest.fixture(scope="module")
def spurious_box() -> Iterator[Sandbox]:
    """40 requests per 2 s per token: a 429 waits at most about 3 s for its reset."""
    tokens = ["--token", SPURIOUS]
    with running_sandbox(*WORKSPACE, *tokens, "--rate-limit", "40", "--rate-window-seconds", "2") as box:  # fmt: skip
        yield box


def test_spurious_429s_cost_their_resets_and_nothing_more(
    spurious_box: Sandbox, tmp_path: Path
) -> None:
    limit, window = 40, 2.0
    _, alone_wall = _timed(tmp_path / "alone", _config(spurious_box, ALONE, limit, window))
    spurious_box.set_faults([{"path_contains": "/api/v2/", "kind": "http_429", "count": SPURIOUS_429S, "every": 2}])  # fmt: skip
    try:
        run, wall = _timed(tmp_path / "spurious", _config(spurious_box, SPURIOUS, limit, window))
        fired = SPURIOUS_429S - sum(
            rule["count"] - rule["fired"] for rule in spurious_box.pending_faults()
        )
    finally:
        spurious_box.clear_faults()
    waits = [float(w) for w in RETRY_WAIT.findall(run.stderr)]
    assert fired == len(waits) == SPURIOUS_429S, (fired, waits)
    floor = alone_wall + sum(waits)
    print(f"alone {alone_wall:.1f} s, with 429s {wall:.1f} s, their waits {sum(waits):.1f} s")
    assert wall <= 1.5 * floor, (wall, alone_wall, sum(waits))
