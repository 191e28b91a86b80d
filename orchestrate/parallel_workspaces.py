"""Run one extract-load step for several workspaces at once, as the Airflow DAG's mapped task does.

Each workspace runs ``meltano run <step>`` in its own process with its own token, team id, rate
budget and state id suffix (:func:`orchestrate.airflow_dags.steps.run_step`); the benchmark and
the state-isolation test use this, and it works without Airflow for a handful of workspaces.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from orchestrate.airflow_dags.steps import StepFailedError, run_step
from orchestrate.workspaces import Workspace

EXTRACT_LOAD = "tap-clickup-extended target-extras"


@dataclass
class WorkspaceRun:
    """How one workspace's step went."""

    workspace: str
    seconds: float
    error: str | None
    output: list[str]


def run_workspaces(
    workspaces: list[Workspace],
    *,
    step: str = EXTRACT_LOAD,
    environ: Mapping[str, str] | None = None,
    schedule_env: Mapping[str, str] | None = None,
) -> list[WorkspaceRun]:
    """Every workspace's step in parallel; one result per workspace, in the given order."""

    def one(workspace: Workspace) -> WorkspaceRun:
        lines: list[str] = []
        started = time.monotonic()
        try:
            run_step(
                step,
                schedule_env=schedule_env,
                workspace=workspace,
                environ=environ,
                log=lines.append,
            )
            error = None
        except StepFailedError as failure:
            error = str(failure)
        seconds = time.monotonic() - started
        print(f"  {workspace.name}: {'ok' if error is None else 'FAILED'} in {seconds:.1f} s",
              file=sys.stderr, flush=True)  # fmt: skip
        return WorkspaceRun(workspace.name, seconds, error, lines)

    with ThreadPoolExecutor(max_workers=max(1, len(workspaces))) as pool:
        return list(pool.map(one, workspaces))
