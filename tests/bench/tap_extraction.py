"""Benchmark: the tap's requests against the API minimum, and its wall time at the rate limit.

Starts the ClickUp sandbox (by default 10,000 tasks, 25 members, six months of time entries,
100 requests a minute), then measures:

- a full sync: requests used vs the minimum the API allows, wall time vs requests ÷ rate,
  429s received;
- an incremental sync after ``--changed`` tasks changed: requests vs its own minimum;
- optionally (``--shared``) a full sync while a second client spends half of the token's
  budget: the share of the tap's requests answered 429.

The minimum counts, per run: the hierarchy (``GET /team``; spaces, and per space its
folders and folderless lists, and per folder its lists, each read with ``archived=false``
and ``archived=true``), task pages of 100 for the non-archived and the archived pass (at
least one each), one time-entry request per 30-day window (per assignee chunk), one
bulk time-in-status request per 100 emitted tasks, the per-list field endpoint for lists
with no task, and one task-template page per workspace.

    .venv/bin/python -m tests.bench.tap_extraction              # real scale (about 10 min)
    .venv/bin/python -m tests.bench.tap_extraction --window-seconds 6 --tasks 2000   # quick

Prints one JSON object on stdout and a table on stderr.
"""

from __future__ import annotations

import argparse
import json
import math
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from clickup_sandbox.second_client import SecondClient

from orchestrate.sandbox_runner import Sandbox, running_sandbox

TOKEN = "pk_sandbox"
DAY_MS = 86_400_000
WINDOW_MS = 30 * DAY_MS
PAGE = 100
STATUS_BATCH = 100
TEMPLATE_PAGE = 100
ASSIGNEE_CHUNK = 100
#: Tap streams that are read when the tap runs with its default selection.
MUTATION_KINDS = ["rename_task", "close_task", "set_custom_field", "reassign_task", "move_task"]


def _pages(count: int, size: int) -> int:
    return max(1, math.ceil(count / size))


def hierarchy_minimum(export: dict[str, Any]) -> int:
    """``GET /team``, two passes of spaces per team, folders/lists passes per space/folder."""
    teams = len(export["workspaces"])
    spaces = len(export["spaces"])
    folders = len(export["folders"])
    return 1 + 2 * teams + 4 * spaces + 2 * folders


def minimum_requests(
    export: dict[str, Any],
    *,
    task_ids: set[str],
    scan_span_ms: int,
    members: int,
    first_run: bool,
) -> dict[str, int]:
    """The fewest requests a run emitting ``task_ids`` can make, by part."""
    tasks = {t["id"]: t for t in export["tasks"]}
    archived = sum(1 for task_id in task_ids if tasks.get(task_id, {}).get("archived"))
    teams = len(export["workspaces"])
    lists_with_tasks = {t["list_id"] for t in export["tasks"]}
    empty_lists = sum(1 for lst in export["lists"] if lst["id"] not in lists_with_tasks)
    templates = len(export.get("task_templates") or []) or 1
    windows = max(1, math.ceil(scan_span_ms / WINDOW_MS))
    return {
        "hierarchy": hierarchy_minimum(export),
        "task_pages": _pages(len(task_ids) - archived, PAGE) + _pages(archived, PAGE),
        "time_entry_windows": windows * teams * math.ceil(members / ASSIGNEE_CHUNK),
        "status_history": math.ceil(len(task_ids) / STATUS_BATCH),
        "list_fields": empty_lists if first_run else 0,
        "task_templates": teams * _pages(templates, TEMPLATE_PAGE),
    }


def run_tap(config: dict[str, Any], workdir: Path, state: dict | None) -> dict[str, Any]:
    """Run the tap CLI; return wall time, exit code, last state, emitted task ids, summary."""
    config_file = workdir / "config.json"
    config_file.write_text(json.dumps(config))
    args = [sys.executable, "-m", "tap_clickup_extended", "--config", str(config_file)]
    if state is not None:
        state_file = workdir / "state.json"
        state_file.write_text(json.dumps(state))
        args += ["--state", str(state_file)]
    out_path, err_path = workdir / "out.jsonl", workdir / "err.log"
    started = time.perf_counter()
    with out_path.open("w") as out, err_path.open("w") as err:
        code = subprocess.run(args, stdout=out, stderr=err, check=False).returncode
    wall = time.perf_counter() - started
    last_state: dict | None = None
    task_ids: set[str] = set()
    records = 0
    with out_path.open() as lines:
        for line in lines:
            if line.startswith('{"type":"STATE"') or line.startswith('{"type": "STATE"'):
                last_state = json.loads(line)["value"]
            elif '"stream":"tasks"' in line or '"stream": "tasks"' in line:
                message = json.loads(line)
                if message["type"] == "RECORD":
                    task_ids.add(message["record"]["id"])
            if '"RECORD"' in line:
                records += 1
    summary = [line for line in err_path.read_text().splitlines() if "Run summary:" in line]
    if code != 0:
        tail = err_path.read_text()[-3000:]
        raise SystemExit(f"the tap failed (exit {code}):\n{tail}")
    out_path.unlink()
    return {
        "wall_seconds": wall,
        "state": last_state,
        "task_ids": task_ids,
        "records": records,
        "summary": summary,
    }


def measure(
    box: Sandbox,
    config: dict[str, Any],
    workdir: Path,
    *,
    state: dict | None,
    scan_span_ms: int,
    members: int,
    rate_per_second: float,
) -> dict[str, Any]:
    """One tap run with its request counts and minimum."""
    box.reset_stats()
    outcome = run_tap(config, workdir, state)
    stats = box.stats()
    export = box.export()
    minimum = minimum_requests(
        export,
        task_ids=outcome["task_ids"],
        scan_span_ms=scan_span_ms,
        members=members,
        first_run=state is None,
    )
    requests = int(stats["total"])
    least = sum(minimum.values())
    ideal_seconds = requests / rate_per_second
    return {
        "requests": requests,
        "minimum": least,
        "requests_vs_minimum": round(requests / least, 4),
        "minimum_parts": minimum,
        "by_endpoint": stats["by_endpoint"],
        "throttled": int(stats["throttled"]),
        "records": outcome["records"],
        "tasks_emitted": len(outcome["task_ids"]),
        "wall_seconds": round(outcome["wall_seconds"], 2),
        "requests_over_rate_seconds": round(ideal_seconds, 2),
        "wall_vs_requests_over_rate": round(outcome["wall_seconds"] / ideal_seconds, 4),
        "summary": outcome["summary"][-1] if outcome["summary"] else None,
        "_state": outcome["state"],
    }


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print its JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", type=int, default=10_000)
    parser.add_argument("--members", type=int, default=25)
    parser.add_argument("--months", type=int, default=6)
    parser.add_argument("--rate-limit", type=int, default=100, help="requests per window")
    parser.add_argument("--window-seconds", type=float, default=60.0)
    parser.add_argument("--changed", type=int, default=100, help="tasks changed before run 2")
    parser.add_argument("--shared", action="store_true", help="also run beside a second client")
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args(argv)

    rate_per_second = args.rate_limit / args.window_seconds
    now = datetime.now(UTC)
    start = now - timedelta(days=round(args.months * 30.5))
    config = {
        "api_token": TOKEN,
        "start_date": start.isoformat(),
        "rate_limit_per_minute": rate_per_second * 60,
    }
    lookback_ms = 60 * DAY_MS
    report: dict[str, Any] = {
        "workspace": {
            "tasks": args.tasks,
            "members": args.members,
            "months": args.months,
            "rate_limit": f"{args.rate_limit} per {args.window_seconds:g} s",
        }
    }
    sandbox_args = [
        "--tasks", str(args.tasks), "--members", str(args.members), "--months", str(args.months),
        "--seed", str(args.seed), "--rate-limit", str(args.rate_limit),
        "--rate-window-seconds", str(args.window_seconds),
    ]  # fmt: skip
    with (
        tempfile.TemporaryDirectory(prefix="bench-tap-") as tmp,
        running_sandbox(*sandbox_args) as box,
    ):
        config["base_url"] = box.api_url
        workdir = Path(tmp)
        span_full = int((datetime.now(UTC) - start).total_seconds() * 1000)
        full = measure(
            box, config, workdir, state=None, scan_span_ms=span_full,
            members=args.members, rate_per_second=rate_per_second,
        )  # fmt: skip
        changed = box.mutate(args.changed, seed=args.seed, kinds=MUTATION_KINDS)
        time.sleep(args.window_seconds + 1)  # a fresh window, as a scheduled run would see
        incremental = measure(
            box, config, workdir, state=full.pop("_state"), scan_span_ms=lookback_ms,
            members=args.members, rate_per_second=rate_per_second,
        )  # fmt: skip
        incremental.pop("_state")
        incremental["changed_tasks"] = len(changed["changed_task_ids"])
        report["full"], report["incremental"] = full, incremental
        if args.shared:
            time.sleep(args.window_seconds + 1)
            with SecondClient(
                box.api_url, TOKEN, args.rate_limit / 2, args.window_seconds
            ) as other:
                shared = measure(
                    box, config, workdir, state=None, scan_span_ms=span_full,
                    members=args.members, rate_per_second=rate_per_second,
                )  # fmt: skip
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
    print(json.dumps(report, indent=2, default=str))
    _table(report)
    return 0


def _table(report: dict[str, Any]) -> None:
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
        print("  ".join(cell.rjust(width) for cell, width in zip(row, widths, strict=True)),
              file=sys.stderr)  # fmt: skip


if __name__ == "__main__":
    raise SystemExit(main())
