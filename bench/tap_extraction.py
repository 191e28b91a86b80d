"""Benchmark section: our tap's full sync: requests vs the minimum, wall time at the rate limit,
429s, and completeness against the sandbox's ground truth.

Sizes (the workspace of ``bench/sizes.py``, the same for every extraction section):
``small`` 300 tasks, 10 members, two months, 100 requests per 2 s; ``medium`` 2,000 tasks, 25
members, six months, 50 requests per 6 s; ``large`` 10,000 tasks, 25 members, six months,
100 requests a minute (real time). The tap is told the same scaled budget
(``rate_limit_per_minute``).

The minimum is counted two ways (``bench/request_minimum.py``): the workspace minimum that
every extractor is compared with (hierarchy, task pages, time-entry windows), and the minimum
for everything our tap reads by default (plus time in status, templates, fields of empty lists).

    .venv/bin/python -m bench.tap_extraction --size small       # the section, ~20 s
    .venv/bin/python -m bench.tap_extraction --shared            # the older full report:
        # full, incremental after --changed tasks, and beside a second client spending half the
        # budget, at --tasks/--members/--months/--rate-limit/--window-seconds (default: large)

Prints the JSON on stdout and a table on stderr.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from clickup_sandbox.second_client import SecondClient

from bench import completeness as ground_truth
from bench.completeness import Found
from bench.extraction import (
    MUTATION_KINDS,
    TOKEN,
    Counted,
    counted,
    full_sync_minimum,
    log,
    print_section,
    rate_figures,
    start_date,
)
from bench.request_minimum import DAY_MS, own_scope_minimum
from bench.singer_run import TapRun, run_tap
from bench.sizes import SIZES, Workspace, workspace
from orchestrate.sandbox_runner import Sandbox, running_sandbox

SYSTEM = "tap-clickup-extended (ours)"
LOOKBACK_MS = 60 * DAY_MS  # the tap's default time_entries_lookback_days


def tap_config(box: Sandbox, ws: Workspace) -> dict[str, Any]:
    """Our tap's settings for the sandbox: the scaled rate limit, the whole history."""
    return {
        "api_token": TOKEN,
        "base_url": box.api_url,
        "start_date": start_date(ws).isoformat(),
        "rate_limit_per_minute": ws.rate_per_second * 60,
    }


def run_ours(
    box: Sandbox, config: dict[str, Any], workdir: Path, name: str, state: dict | None = None
) -> Counted[TapRun]:
    """One run of our tap (default selection) with the sandbox's counts."""
    command = [sys.executable, "-m", "tap_clickup_extended"]
    return counted(box, lambda: run_tap(command, workdir, name, config, state=state))


def found_in(run: TapRun, export: dict[str, Any]) -> Found:
    """Task ids, time-entry ids and custom-field values (typed or not) in our tap's output."""
    found = Found()
    expected = ground_truth.expected_field_values(export)
    for stream, record in run.records("tasks", "time_entries", "task_custom_field_values"):
        if stream == "tasks":
            found.task_ids.add(str(record["id"]))
        elif stream == "time_entries":
            found.time_entry_ids.add(str(record["id"]))
        elif record.get("has_value"):
            key = (str(record["task_id"]), str(record["field_id"]))
            field_type, canonical = expected.get(key, (record.get("field_type", ""), None))
            found.field_values[key] = key in expected and ground_truth.typed_row_matches(
                field_type, record, canonical
            )
    return found


def completeness(run: TapRun, export: dict[str, Any], start_ms: int) -> dict[str, float]:
    """Completeness figures of one of our runs."""
    return ground_truth.figures(export, found_in(run, export), start_ms)


def full_sync_figures(
    box: Sandbox, counts: Counted[TapRun], ws: Workspace, start_ms: int, first_run: bool = True
) -> dict[str, float]:
    """Rate figures against both minimums, and completeness."""
    export = box.export()
    task_ids = {
        str(r["id"]) for _, r in counts.run.records("tasks")
    }  # emitted tasks set the page count of its own scope
    span = int(time.time() * 1000) - start_ms
    own = own_scope_minimum(
        export, task_ids=task_ids, scan_span_ms=span, members=ws.members, first_run=first_run
    )
    figures = rate_figures(counts, full_sync_minimum(export, ws, start_ms), ws)
    figures["own_scope_minimum_requests_count"] = sum(own.values())
    figures["requests_vs_own_scope_minimum_ratio"] = round(
        counts.requests / max(1, sum(own.values())), 4
    )
    figures.update(completeness(counts.run, export, start_ms))
    return figures


def measure(size: str) -> dict[str, Any]:
    """The section: one full sync of our tap on the size's workspace."""
    ws = workspace(size)
    log(f"tap_extraction: sandbox with {ws.tasks} tasks, {ws.members} members, {ws.months} months")
    with (
        tempfile.TemporaryDirectory(prefix="bench-tap-") as tmp,
        running_sandbox(*ws.sandbox_args()) as box,
    ):
        config = tap_config(box, ws)
        start_ms = int(start_date(ws).timestamp() * 1000)
        log(f"tap_extraction: full sync at {ws.rate_limit} requests per {ws.window_seconds:g} s")
        counts = run_ours(box, config, Path(tmp), "ours-full")
        figures = full_sync_figures(box, counts, ws, start_ms)
    log(
        f"tap_extraction: {figures['requests_count']:.0f} requests "
        f"(minimum {figures['minimum_requests_count']:.0f}), {figures['wall_time_s']} s"
    )
    return {
        "section": "tap_extraction",
        "title": "Extraction: our tap, full sync (requests, wall time, completeness)",
        "parameters": ws.parameters(),
        "results": [{"system": SYSTEM, "figures": figures}],
        "headline": {
            "requests_vs_own_scope_minimum_ratio": figures["requests_vs_own_scope_minimum_ratio"],
            "completeness_pct": figures["completeness_pct"],
        },
    }


def _legacy_run(box: Sandbox, config: dict, workdir: Path, ws: Workspace, **kw: Any) -> dict:
    """One run in the older report's shape."""
    state = kw.get("state")
    counts = run_ours(box, config, workdir, kw.get("name", "run"), state)
    export = box.export()
    task_ids = {str(r["id"]) for _, r in counts.run.records("tasks")}
    minimum = own_scope_minimum(
        export,
        task_ids=task_ids,
        scan_span_ms=kw["scan_span_ms"],
        members=ws.members,
        first_run=state is None,
    )
    figures = rate_figures(counts, sum(minimum.values()), ws)
    return {
        "requests": counts.requests,
        "minimum": sum(minimum.values()),
        "requests_vs_minimum": figures["requests_vs_minimum_ratio"],
        "minimum_parts": minimum,
        "by_endpoint": counts.by_endpoint,
        "throttled": counts.throttled,
        "records": counts.run.record_count,
        "tasks_emitted": len(task_ids),
        "wall_seconds": figures["wall_time_s"],
        "requests_over_rate_seconds": figures["requests_over_rate_s"],
        "wall_vs_requests_over_rate": figures["wall_vs_requests_over_rate_ratio"],
        "_state": counts.run.state,
    }


def legacy_report(args: argparse.Namespace) -> dict[str, Any]:
    """Full, incremental and (``--shared``) beside a second client, at the given scale."""
    ws = Workspace(
        tasks=args.tasks,
        members=args.members,
        months=args.months,
        rate_limit=args.rate_limit,
        window_seconds=args.window_seconds,
        changed_tasks=args.changed,
        seed=args.seed,
    )
    report: dict[str, Any] = {"workspace": ws.parameters()}
    with (
        tempfile.TemporaryDirectory(prefix="bench-tap-") as tmp,
        running_sandbox(*ws.sandbox_args()) as box,
    ):
        config, workdir = tap_config(box, ws), Path(tmp)
        span = int((time.time() - start_date(ws).timestamp()) * 1000)
        full = _legacy_run(box, config, workdir, ws, scan_span_ms=span, name="full")
        changed = box.mutate(args.changed, seed=args.seed, kinds=MUTATION_KINDS)
        time.sleep(args.window_seconds + 1)  # a fresh window, as a scheduled run would see
        incremental = _legacy_run(
            box, config, workdir, ws, state=full.pop("_state"), scan_span_ms=LOOKBACK_MS,
            name="incremental",
        )  # fmt: skip
        incremental.pop("_state")
        incremental["changed_tasks"] = len(changed["changed_task_ids"])
        report["full"], report["incremental"] = full, incremental
        if args.shared:
            time.sleep(args.window_seconds + 1)
            with SecondClient(
                box.api_url, TOKEN, args.rate_limit / 2, args.window_seconds
            ) as other:
                shared = _legacy_run(box, config, workdir, ws, scan_span_ms=span, name="shared")
            shared.pop("_state")
            # The tap never calls GET /user: everything else on the token is the tap's.
            other_requests = shared["by_endpoint"].get("GET /user", 0)
            tap_throttled = shared["throttled"] - other.counts.throttled
            shared["tap_requests"] = shared["requests"] - other_requests
            shared["tap_throttled"] = tap_throttled
            shared["tap_throttled_share"] = round(tap_throttled / max(1, shared["tap_requests"]), 4)
            shared["requests_vs_minimum"] = round(shared["tap_requests"] / shared["minimum"], 4)
            shared["second_client"] = vars(other.counts) | {"statuses": other.counts.statuses}
            report["shared"] = shared
    return report


def _legacy_table(report: dict[str, Any]) -> None:
    rows = [("run", "requests", "minimum", "ratio", "wall s", "req/rate s", "wall ratio", "429")]
    for name in ("full", "incremental", "shared"):
        run = report.get(name)
        if not run:
            continue
        rows.append(
            (
                name,
                str(run.get("tap_requests", run["requests"])),
                str(run["minimum"]),
                f"{run['requests_vs_minimum']:.3f}",
                f"{run['wall_seconds']:.1f}",
                f"{run['requests_over_rate_seconds']:.1f}",
                f"{run['wall_vs_requests_over_rate']:.3f}",
                str(run.get("tap_throttled", run["throttled"])),
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for row in rows:
        log("  ".join(cell.rjust(width) for cell, width in zip(row, widths, strict=True)))


def main(argv: list[str] | None = None) -> int:
    """``--size``: the section; otherwise the older full/incremental/shared report."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--size", choices=SIZES, help="run the benchmark section at this size")
    parser.add_argument("--tasks", type=int, default=10_000)
    parser.add_argument("--members", type=int, default=25)
    parser.add_argument("--months", type=int, default=6)
    parser.add_argument("--rate-limit", type=int, default=100, help="requests per window")
    parser.add_argument("--window-seconds", type=float, default=60.0)
    parser.add_argument("--changed", type=int, default=100, help="tasks changed before run 2")
    parser.add_argument("--shared", action="store_true", help="also run beside a second client")
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args(argv)
    if args.size:
        section = measure(args.size)
        print_section(section)
        print(json.dumps(section, indent=2))
        return 0
    report = legacy_report(args)
    print(json.dumps(report, indent=2, default=str))
    _legacy_table(report)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
