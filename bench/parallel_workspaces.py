"""Benchmark: two workspaces on separate tokens synced in parallel vs one workspace alone.

Each workspace has its own ClickUp token and so its own budget of 100 requests a minute (the
sandbox limits every token separately, at a time scale given per size). The parallel run is the
one the Airflow DAG makes: the extract-load step (``meltano run tap-clickup-extended
target-extras``) mapped over the workspaces, each with its own token, team id, rate budget and
Meltano state id (:mod:`orchestrate.parallel_workspaces`). The single run is the same step for
the first workspace alone. Each phase gets a fresh sandbox (same seed: the same data, fresh rate
windows), a fresh database and fresh state. Acceptance: parallel wall time at most 1.2 times the
single one (``parallel_to_single_wall_ratio``).

Sizes (tasks per workspace, members, months of history, budget per token):

- ``small``: 150 tasks, 6 members, 2 months, 100 requests per 20 s (time x3), about a minute;
- ``medium``: 1,500 tasks, 12 members, 6 months, 100 requests per 60 s (real time), ~3 minutes;
- ``large``: 10,000 tasks, 25 members, 7 months, 100 requests per 60 s (real time), ~15 minutes.

The extraction is paced by the budget (the tap spreads its requests evenly), so what parallel
runs share is the machine: Meltano, the tap and the target of both workspaces compete for its
CPUs (about 13 s of start-up and loading per run here). At ``small`` that fixed cost outweighs
the 12 s of paced requests, so its ratio shows the CPU contention (about 1.9 on a busy 2-core
machine), not the rate budgets; ``medium`` runs at the real budget, where it is the requests
that take the time, and is the size the acceptance bound (<= 1.2) applies to: measured 1.147
(76.5 s alone, 87.8 s for two, 81 and 163 requests, no 429) on a 2-core machine under load 6.

    .venv/bin/python -m bench.parallel_workspaces --size small
"""

from __future__ import annotations

import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import psycopg

from bench.section_cli import run_section_cli
from orchestrate.embedded_postgres import throwaway_database
from orchestrate.parallel_workspaces import WorkspaceRun, run_workspaces
from orchestrate.pipeline import pipeline_environment
from orchestrate.sandbox_runner import SANDBOX_TOKEN, running_sandbox
from orchestrate.workspaces import Workspace

SECOND_TOKEN = "pk_bench_second"
SIZES: dict[str, dict[str, Any]] = {
    "small": {"tasks": 150, "members": 6, "months": 2, "rate_limit": 100, "window_seconds": 20.0},
    "medium": {
        "tasks": 1500,
        "members": 12,
        "months": 6,
        "rate_limit": 100,
        "window_seconds": 60.0,
    },
    "large": {
        "tasks": 10000,
        "members": 25,
        "months": 7,
        "rate_limit": 100,
        "window_seconds": 60.0,
    },
}


def _database(server_url: str) -> str:
    """A fresh database on the server (each phase loads into an empty one)."""
    name = f"bench_pw_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(server_url, autocommit=True) as connection:
        connection.execute(f'create database "{name}"')
    base, _, query = server_url.partition("?")
    return f"{base.rsplit('/', 1)[0]}/{name}" + (f"?{query}" if query else "")


def _phase(
    label: str, preset: dict[str, Any], server_url: str, workdir: Path, parallel: bool
) -> dict[str, Any]:
    """One sandbox, one database, one state backend: sync one or both workspaces."""
    args = [
        "--workspaces", "2", "--tasks", str(preset["tasks"]), "--members", str(preset["members"]),
        "--months", str(preset["months"]), "--seed", "21", "--token", SECOND_TOKEN,
        "--rate-limit", str(preset["rate_limit"]),
        "--rate-window-seconds", str(preset["window_seconds"]),
    ]  # fmt: skip
    per_minute = round(preset["rate_limit"] * 60 / preset["window_seconds"])
    with running_sandbox(*args) as box:
        teams = [w["id"] for w in box.export()["workspaces"]]
        workspaces = [
            Workspace(f"{label}-a", teams[0], "BENCH_TOKEN_A", per_minute),
            Workspace(f"{label}-b", teams[1], "BENCH_TOKEN_B", per_minute),
        ][: 2 if parallel else 1]
        environ = pipeline_environment(
            _database(server_url),
            base_url=box.api_url,
            extra={
                "BENCH_TOKEN_A": SANDBOX_TOKEN,
                "BENCH_TOKEN_B": SECOND_TOKEN,
                "MELTANO_STATE_BACKEND_URI": (workdir / label).as_uri(),
            },
        )
        print(f"{label}: {len(workspaces)} workspace(s), {preset['tasks']} tasks each, "
              f"{per_minute} requests/min per token", file=sys.stderr, flush=True)  # fmt: skip
        started = time.monotonic()
        runs: list[WorkspaceRun] = run_workspaces(workspaces, environ=environ)
        wall = time.monotonic() - started
        stats = box.stats()
    failed = [run for run in runs if run.error]
    if failed:
        tail = "\n".join(failed[0].output[-30:])
        raise SystemExit(f"{label}: {failed[0].error}\n{tail}")
    return {
        "wall_time_s": round(wall, 2),
        "slowest_workspace_s": round(max(run.seconds for run in runs), 2),
        "workspaces_count": len(runs),
        "requests_count": int(stats["total"]),
        "throttled_requests_count": int(stats["throttled"]),
    }


def measure(size: str) -> dict[str, Any]:
    """Run both phases for ``size`` and return the section's result."""
    preset = SIZES[size]
    with (
        throwaway_database("bpw") as (server_url, _),
        tempfile.TemporaryDirectory(prefix="bench-pw-") as tmp,
    ):
        single = _phase("single", preset, server_url, Path(tmp), parallel=False)
        parallel = _phase("parallel", preset, server_url, Path(tmp), parallel=True)
    ratio = parallel["wall_time_s"] / single["wall_time_s"]
    return {
        "section": "parallel_workspaces",
        "title": "two workspaces on separate tokens in parallel vs one alone (meltano run per workspace)",
        "parameters": {
            "size": size,
            "tasks_per_workspace": preset["tasks"],
            "members_per_workspace": preset["members"],
            "months": preset["months"],
            "rate_limit": f"{preset['rate_limit']} per {preset['window_seconds']:g} s per token",
        },
        "results": [
            {"system": "one workspace alone", "figures": single},
            {"system": "two workspaces in parallel", "figures": parallel},
        ],
        "headline": {"parallel_to_single_wall_ratio": round(ratio, 3)},
    }


def main(argv: list[str] | None = None) -> int:
    """Run the section at ``--size``; a table on stderr, the JSON on stdout."""
    return run_section_cli(measure, __doc__, argv)


if __name__ == "__main__":
    raise SystemExit(main())
