"""Benchmark section: incremental extraction: requests after N changed tasks vs the minimum.

On one sandbox (the size's workspace, ``bench/sizes.py``; each tap has a token, so a
budget, of its own): a full sync of our tap and of AutoIDM's tap-clickup (both keep state; their
requests are not counted here), then the sandbox changes N tasks (renames, closes, custom-field values, reassignments, moves), one rate
window passes, and each tap runs again from its state. Per system: requests, the minimum for
the change (hierarchy, task pages for the changed tasks, time-entry windows over our tap's
60-day lookback), wall time vs requests ÷ rate, 429s, and how many of the changed tasks it
emitted. Airbyte's source-clickup-api 0.2.0 is not run here: its manifest has no incremental
stream (no cursor), so every sync is a full one.

Sizes: N = 10 (small, of 300 tasks), 20 (medium, of 2,000), 100 (large, of 10,000) changed tasks.

    .venv/bin/python -m bench.incremental_extraction --size small
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path
from typing import Any

from bench import tap_clickup, tap_extraction
from bench.extraction import MUTATION_KINDS, Counted, log, rate_figures
from bench.request_minimum import workspace_minimum
from bench.section_cli import run_section_cli
from bench.singer_run import TapRun
from bench.sizes import Workspace, workspace
from orchestrate.sandbox_runner import running_sandbox

#: tap-clickup's token: a rate budget of its own beside ours.
THEIR_TOKEN = "pk_bench_tap_clickup"


def _figures(
    counts: Counted[TapRun], task_stream: str, changed: set[str], minimum: int, ws: Workspace
) -> dict[str, float]:
    emitted = {str(record["id"]) for _, record in counts.run.records(task_stream)}
    figures = rate_figures(counts, minimum, ws)
    figures["tasks_emitted_count"] = len(emitted)
    figures["changed_tasks_found_count"] = len(changed & emitted)
    figures["changed_tasks_expected_count"] = len(changed)
    figures["changed_tasks_pct"] = round(100.0 * len(changed & emitted) / max(1, len(changed)), 2)
    return figures


def measure(size: str) -> dict[str, Any]:
    """The section: full syncs, N changes, incremental syncs of both Singer taps."""
    ws = workspace(size)
    tap_clickup.command(api_url="")  # install first, outside the measured runs
    log(f"incremental_extraction: sandbox with {ws.tasks} tasks; {ws.changed_tasks} will change")
    with (
        tempfile.TemporaryDirectory(prefix="bench-inc-") as tmp,
        running_sandbox(*ws.sandbox_args(), "--token", THEIR_TOKEN) as box,
    ):
        workdir = Path(tmp)
        config = tap_extraction.tap_config(box, ws)
        chosen = tap_clickup.catalog(box, workdir)
        log("incremental_extraction: full syncs (not measured) ...")
        ours_full = tap_extraction.run_ours(box, config, workdir, "ours-full")
        theirs_full = tap_clickup.run_theirs(
            box, workdir, "tap-clickup-full", chosen, token=THEIR_TOKEN
        )
        mutated = box.mutate(ws.changed_tasks, seed=ws.seed, kinds=MUTATION_KINDS)
        changed = set(mutated["changed_task_ids"])
        export = box.export()
        minimum = sum(
            workspace_minimum(
                export,
                task_ids=changed,
                scan_span_ms=tap_extraction.LOOKBACK_MS,
                members=ws.members,
            ).values()
        )
        log(f"incremental_extraction: {len(changed)} tasks changed; incremental syncs ...")
        time.sleep(ws.window_seconds + 1)  # fresh windows, as a scheduled run would see
        ours = tap_extraction.run_ours(
            box, config, workdir, "ours-incremental", ours_full.run.state
        )
        theirs = tap_clickup.run_theirs(
            box, workdir, "tap-clickup-incremental", chosen, theirs_full.run.state, THEIR_TOKEN
        )
        results = [
            {
                "system": tap_extraction.SYSTEM,
                "figures": _figures(ours, "tasks", changed, minimum, ws),
            },
            {
                "system": tap_clickup.SYSTEM,
                "figures": _figures(theirs, "task", changed, minimum, ws),
            },
        ]
    for result in results:
        fig = result["figures"]
        log(
            f"incremental_extraction: {result['system']}: {fig['requests_count']:.0f} requests "
            f"(minimum {minimum}), {fig['changed_tasks_found_count']:.0f}/{len(changed)} changes"
        )
    return {
        "section": "incremental_extraction",
        "title": f"Incremental extraction after {len(changed)} changed tasks",
        "parameters": {**ws.parameters(), "changed_tasks": len(changed)},
        "results": results,
        "headline": {
            "requests_vs_minimum_ratio": results[0]["figures"]["requests_vs_minimum_ratio"],
            "changed_tasks_pct": results[0]["figures"]["changed_tasks_pct"],
        },
    }


def main(argv: list[str] | None = None) -> int:
    """Run the section at ``--size``; a table on stderr, the JSON on stdout."""
    return run_section_cli(measure, __doc__, argv)


if __name__ == "__main__":
    raise SystemExit(main())
