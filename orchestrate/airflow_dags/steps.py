"""Run one step of a Meltano job (``meltano run <blocks>``) the way an Airflow task does.

Each step gets the schedule's environment; an extract-load step for one of several workspaces
also gets that workspace's token (read from the variable the workspace names), team id, rate
budget and state id suffix (:mod:`orchestrate.workspaces`). Output is streamed line by line with
any token value masked. Standard library only (it runs inside Airflow's virtualenv).

Meltano writes each plugin's generated config and catalog to ``.meltano/run/<plugin>/``, so two
``meltano run`` of the same tap at once (two workspaces, or two schedules overlapping) would
overwrite each other's files. Each step therefore runs with its own ``MELTANO_SYS_DIR_ROOT``
(``.meltano/isolated/<key>/``) whose plugin directories link to the shared installed ones, and
with the shared system database, so only the per-run scratch files are private.
"""

from __future__ import annotations

import os
import re
import subprocess
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from orchestrate.airflow_dags.schedules import PROJECT_ROOT, meltano_executable
from orchestrate.workspaces import Workspace, workspace_environment

#: Directories under .meltano that hold installed plugins (shared by every isolated run).
PLUGIN_DIRS = (
    "extractors", "loaders", "utilities", "mappers", "transformers", "orchestrators", "files",
    "transforms",
)  # fmt: skip


class StepFailedError(RuntimeError):
    """``meltano run`` exited non-zero; the message names the step and the workspace."""


def isolated_sys_dir(environment: dict[str, str], project_root: Path, key: str) -> None:
    """Point ``environment`` at a private Meltano sys dir for ``key`` (see the module doc)."""
    shared = Path(environment.get("MELTANO_SYS_DIR_ROOT") or project_root / ".meltano")
    private = shared / "isolated" / re.sub(r"[^A-Za-z0-9_.-]+", "_", key)
    private.mkdir(parents=True, exist_ok=True)
    for name in PLUGIN_DIRS:
        (shared / name).mkdir(exist_ok=True)
        link = private / name
        if not link.is_symlink():
            link.symlink_to(shared / name, target_is_directory=True)
    environment.setdefault("MELTANO_DATABASE_URI", f"sqlite:///{shared / 'meltano.db'}")
    environment["MELTANO_SYS_DIR_ROOT"] = str(private)


def step_environment(
    schedule_env: Mapping[str, str] | None = None,
    workspace: Workspace | None = None,
    environ: Mapping[str, str] | None = None,
) -> dict[str, str]:
    """The process environment of one step."""
    environment = dict(os.environ if environ is None else environ)
    environment.update(schedule_env or {})
    environment["MELTANO_SEND_ANONYMOUS_USAGE_STATS"] = "false"
    environment["DBT_SEND_ANONYMOUS_USAGE_STATS"] = "false"
    if workspace is not None:
        environment.update(workspace_environment(workspace, environment))
    return environment


def run_step(
    step: str,
    *,
    schedule_env: Mapping[str, str] | None = None,
    workspace: Workspace | dict[str, Any] | None = None,
    project_root: Path = PROJECT_ROOT,
    log: Callable[[str], None] = print,
    environ: Mapping[str, str] | None = None,
    isolation_key: str = "adhoc",
) -> float:
    """``meltano run`` one step; returns its seconds, raises :class:`StepFailedError` on failure.

    ``isolation_key`` (the schedule's name in DAGs) and the workspace name choose the private
    sys dir, so parallel runs never share Meltano's scratch files.
    """
    if isinstance(workspace, dict):
        workspace = Workspace(**workspace)
    environment = step_environment(schedule_env, workspace, environ)
    isolated_sys_dir(
        environment, project_root, f"{isolation_key}--{workspace.name if workspace else 'all'}"
    )
    secrets = [
        value
        for key in ("CLICKUP_API_TOKEN", "TAP_CLICKUP_EXTENDED_API_TOKEN")
        if len(value := environment.get(key, "")) >= 6
    ]
    # --force: see orchestrate.pipeline.meltano_run_command (not imported: Airflow's
    # virtualenv runs this module with the standard library only).
    command = [meltano_executable(project_root), "run", "--force", *step.split()]
    where = f" for workspace {workspace.name} (team {workspace.team_id})" if workspace else ""
    log(f"== meltano run {step}{where}")
    started = time.monotonic()
    process = subprocess.Popen(
        command,
        cwd=project_root,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    assert process.stdout is not None
    for line in process.stdout:
        for secret in secrets:
            line = line.replace(secret, "***")
        log(line.rstrip("\n"))
    code = process.wait()
    seconds = time.monotonic() - started
    if code != 0:
        raise StepFailedError(f"meltano run {step}{where} failed with exit code {code}")
    log(f"== meltano run {step}{where}: done in {seconds:.1f} s")
    return seconds
