"""Benchmark section: our tap beside another client of the same token, and among spurious 429s.

ClickUp's budget is per token, and Airbyte or a script may spend it too. Three runs of our tap
(default selection) on one sandbox, each on its own token (so each has its own budget of
100 requests per 5 s, 20 a second, twelve times ClickUp's rate):

- **alone**: the reference run;
- **beside a second client**: ``clickup_sandbox.second_client.SecondClient`` spends 95 of the
  100 requests of every window for 8 s, from the tap's first request on, then stops;
- **among spurious 429s**: the sandbox answers every other request with a 429 (``Remaining:
  0``, the window's real reset, not charged) until it has sent ``spurious`` of them.

Each is repeated ``runs`` times; the figures are the median, min and max.

The floors, the least time the budget allows (``clickup_sandbox.budget_floor``):

- beside the second client: the alone run's median wall time plus the time its spending takes
  out of the budget, i.e. ``budget_floor(N, with its requests) - budget_floor(N, alone)`` for
  the run's N requests: fixed windows of 100 from our first request, the other client's
  requests of each window first, ours at no more than 20 a second while a window has room;
- among spurious 429s: the alone median plus the waits the 429s' own headers demand (until
  their reset plus the tap's one-second margin, as the tap logged them). Waiting for the reset
  after a 429 is the design (docs/clickup-api.md §2): the limiter must add nothing else.

``wall_vs_floor_ratio`` is wall time ÷ floor (1.0: only the budget limited the run). The tap's
run is mostly CPU (parsing, records), so on a busy machine wall times spread; ``waited_median_s``
(the tap's own count of seconds waited for the limiter and for retries) is the steadier view:
beside the second client it should exceed the alone run's by about ``budget_taken_s``. Before
the limiter re-learned other clients' spending every window, either scenario could make it
wait for every reset for the rest of the run: 300 to 460 s where the alone run takes 6 s.

Sizes: ``small`` one run of each, 1 spurious 429, 100 tasks (under a minute, the CI smoke
run); ``medium`` three runs, 10 spurious 429s, 2,000 tasks (about 5 minutes); ``large`` five
runs, 30 spurious 429s (the issue's figure), 2,000 tasks.

    .venv/bin/python -m bench.rate_limit_sharing --size small
"""

from __future__ import annotations

import re
import statistics
import sys
import tempfile
from pathlib import Path
from typing import Any

from clickup_sandbox.budget_floor import budget_floor, spending_times
from clickup_sandbox.second_client import SecondClient

from bench.section_cli import run_section_cli
from bench.singer_run import TapRun, run_tap
from orchestrate.sandbox_runner import SANDBOX_TOKEN, Sandbox, running_sandbox

LIMIT, WINDOW_S = 100, 5.0
OTHER_PER_WINDOW, OTHER_SECONDS = 95, 8.0
SHARED, SPURIOUS = "pk_bench_shared", "pk_bench_spurious"
SIZES: dict[str, dict[str, int]] = {
    "small": {"runs": 1, "spurious": 1, "tasks": 100, "members": 3, "months": 2},
    "medium": {"runs": 3, "spurious": 10, "tasks": 2000, "members": 25, "months": 6},
    "large": {"runs": 5, "spurious": 30, "tasks": 2000, "members": 25, "months": 6},
}
TOTAL = re.compile(r"Run summary: TOTAL: .*requests=(\d+) .*waited_seconds=([0-9.]+)")
RETRY_WAIT = re.compile(r"failed \(HTTP 429[^)]*\); retrying in ([0-9.]+) s")


def _log(message: str) -> None:
    print(f"rate_limit_sharing: {message}", file=sys.stderr, flush=True)


def _config(box: Sandbox, token: str) -> dict[str, Any]:
    return {
        "api_token": token,
        "base_url": box.api_url,
        "max_retries": 8,
        "rate_limit_per_minute": LIMIT * 60 / WINDOW_S,
    }


def _run(box: Sandbox, workdir: Path, name: str, token: str) -> tuple[TapRun, str]:
    command = [sys.executable, "-m", "tap_clickup_extended"]
    run = run_tap(command, workdir, name, _config(box, token))
    return run, (workdir / f"{name}.stderr").read_text(errors="replace")


def _totals(log: str) -> tuple[int, float]:
    """Requests sent and seconds waited (limiter and retries), from the tap's run summary."""
    match = TOTAL.search(log)
    if match is None:
        raise RuntimeError("the tap's log has no 'Run summary: TOTAL' line")
    return int(match.group(1)), float(match.group(2))


def _spread(values: list[float], name: str) -> dict[str, float]:
    return {
        f"{name}_median_{_unit(name)}": round(statistics.median(values), 2),
        f"{name}_min_{_unit(name)}": round(min(values), 2),
        f"{name}_max_{_unit(name)}": round(max(values), 2),
    }


def _unit(name: str) -> str:
    return "ratio" if name.endswith("floor") else "s"


def _shared_run(box: Sandbox, workdir: Path, name: str) -> dict[str, float]:
    other = SecondClient(
        box.api_url, SHARED, OTHER_PER_WINDOW, WINDOW_S, seconds=OTHER_SECONDS,
        after_first_request=True,
    )  # fmt: skip
    before = box.stats()
    with other:
        run, log = _run(box, workdir, name, SHARED)
    throttled = int(box.stats()["throttled"]) - int(before["throttled"])
    requests, waited = _totals(log)
    spent = spending_times(OTHER_PER_WINDOW, WINDOW_S, OTHER_SECONDS)
    taken = budget_floor(requests, LIMIT, WINDOW_S, spent) - budget_floor(requests, LIMIT, WINDOW_S)
    return {
        "wall": run.wall_time_s,
        "waited": waited,
        "taken": taken,
        "requests": requests,
        "ours_throttled": throttled - other.counts.throttled,
        "other_sent": other.counts.sent,
        "other_throttled": other.counts.throttled,
    }


def _spurious_run(box: Sandbox, workdir: Path, name: str, count: int) -> dict[str, float]:
    box.set_faults([{"path_contains": "/api/v2/", "kind": "http_429", "count": count, "every": 2}])
    try:
        run, log = _run(box, workdir, name, SPURIOUS)
    finally:
        box.clear_faults()
    waits = [float(w) for w in RETRY_WAIT.findall(log)]
    waited = _totals(log)[1]
    return {"wall": run.wall_time_s, "waited": waited, "waits": sum(waits), "fired": len(waits)}


def measure(size: str) -> dict[str, Any]:
    """Run the three scenarios ``runs`` times each at ``size``; the section's result."""
    preset = SIZES[size]
    args = [
        "--tasks", str(preset["tasks"]), "--members", str(preset["members"]),
        "--months", str(preset["months"]), "--seed", "5", "--token", SHARED, "--token", SPURIOUS,
        "--rate-limit", str(LIMIT), "--rate-window-seconds", f"{WINDOW_S:g}",
    ]  # fmt: skip
    alone: list[float] = []
    alone_waited: list[float] = []
    shared: list[dict[str, float]] = []
    spurious: list[dict[str, float]] = []
    with running_sandbox(*args) as box, tempfile.TemporaryDirectory(prefix="bench-rl-") as tmp:
        for index in range(preset["runs"]):
            workdir = Path(tmp)
            run, log = _run(box, workdir, f"alone{index}", SANDBOX_TOKEN)
            alone.append(run.wall_time_s)
            alone_waited.append(_totals(log)[1])
            shared.append(_shared_run(box, workdir, f"shared{index}"))
            spurious.append(_spurious_run(box, workdir, f"spurious{index}", preset["spurious"]))
            _log(
                f"run {index + 1}/{preset['runs']}: alone {alone[-1]:.1f} s, beside a second "
                f"client {shared[-1]['wall']:.1f} s, among {spurious[-1]['fired']:.0f} spurious "
                f"429s {spurious[-1]['wall']:.1f} s"
            )
    alone_median = statistics.median(alone)
    shared_floors = [alone_median + run["taken"] for run in shared]
    spurious_floors = [alone_median + run["waits"] for run in spurious]
    shared_ratios = [run["wall"] / floor for run, floor in zip(shared, shared_floors, strict=True)]
    spurious_ratios = [
        run["wall"] / floor for run, floor in zip(spurious, spurious_floors, strict=True)
    ]
    return {
        "section": "rate_limit_sharing",
        "title": "our tap beside a second client spending 95% of the token for 8 s, and among "
        "spurious 429s, vs the time the budget allows",
        "parameters": {
            "size": size,
            "runs": preset["runs"],
            "tasks": preset["tasks"],
            "rate_limit": f"{LIMIT} per {WINDOW_S:g} s per token",
            "second_client": f"{OTHER_PER_WINDOW} per window for {OTHER_SECONDS:g} s",
            "spurious_429s": preset["spurious"],
        },
        "results": [
            {
                "system": "alone (ours)",
                "figures": {
                    "wall_time_s": round(alone_median, 2),
                    **_spread(alone, "wall_time"),
                    "waited_median_s": round(statistics.median(alone_waited), 2),
                },
            },
            {
                "system": "beside a second client (ours)",
                "figures": {
                    "wall_time_s": round(statistics.median(r["wall"] for r in shared), 2),
                    **_spread([r["wall"] for r in shared], "wall_time"),
                    "waited_median_s": round(statistics.median(r["waited"] for r in shared), 2),
                    "budget_taken_s": round(statistics.median(r["taken"] for r in shared), 2),
                    "floor_s": round(statistics.median(shared_floors), 2),
                    **_spread(shared_ratios, "wall_vs_floor"),
                    "requests_count": statistics.median(r["requests"] for r in shared),
                    "throttled_count": max(r["ours_throttled"] for r in shared),
                    "other_client_requests_count": statistics.median(
                        r["other_sent"] for r in shared
                    ),
                    "other_client_throttled_count": max(r["other_throttled"] for r in shared),
                },
            },
            {
                "system": "among spurious 429s (ours)",
                "figures": {
                    "wall_time_s": round(statistics.median(r["wall"] for r in spurious), 2),
                    **_spread([r["wall"] for r in spurious], "wall_time"),
                    "waited_median_s": round(statistics.median(r["waited"] for r in spurious), 2),
                    "floor_s": round(statistics.median(spurious_floors), 2),
                    **_spread(spurious_ratios, "wall_vs_floor"),
                    "spurious_429_count": min(r["fired"] for r in spurious),
                    "reset_waits_s": round(statistics.median(r["waits"] for r in spurious), 2),
                },
            },
        ],
        "headline": {
            "shared_wall_vs_floor_ratio": round(statistics.median(shared_ratios), 3),
            "spurious_wall_vs_floor_ratio": round(statistics.median(spurious_ratios), 3),
        },
    }


def main(argv: list[str] | None = None) -> int:
    """Run the section at ``--size``; a table on stderr, the JSON on stdout."""
    return run_section_cli(measure, __doc__, argv)


if __name__ == "__main__":
    raise SystemExit(main())
