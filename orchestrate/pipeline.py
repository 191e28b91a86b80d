"""Run `meltano run` for the ClickUp pipeline with the environment it needs."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from orchestrate.database_url import libpq_environment

REPO_ROOT = Path(__file__).resolve().parents[1]
PIPELINE = ["tap-clickup-extended", "target-extras", "dbt-postgres:build"]


@dataclass
class PipelineResult:
    """How one `meltano run` went."""

    returncode: int
    seconds: float
    output: str


def meltano_run_command() -> list[str]:
    """``run --force``: our writers take locks that die with them, so Meltano's check only delays.

    Meltano refuses a run while an earlier run of the same state id looks alive, which a killed
    run does until 5 minutes after its last heartbeat ("Another ... pipeline is already
    running"). target-extras holds an advisory lock on its landing schema and the dbt commands
    one on their target schema (orchestrate/dbt_lock.py) for as long as they write; PostgreSQL
    frees both the moment the holder dies. So a live run still makes the next one wait (and name
    it), while a dead one blocks nothing.
    """
    return ["run", "--force"]


def meltano_executable() -> str:
    candidate = Path(sys.executable).parent / "meltano"
    return str(candidate) if candidate.exists() else "meltano"


def pipeline_environment(
    database_url: str,
    *,
    base_url: str | None = None,
    api_token: str | None = None,
    extra: dict[str, str] | None = None,
) -> dict[str, str]:
    """The process environment for meltano: connection settings for the tap, target and dbt."""
    environment = dict(os.environ)
    environment.update(libpq_environment(database_url))
    environment["DATABASE_URL"] = database_url
    environment.setdefault("MELTANO_ENVIRONMENT", "dev")
    environment["MELTANO_SEND_ANONYMOUS_USAGE_STATS"] = "false"
    environment["DBT_SEND_ANONYMOUS_USAGE_STATS"] = "false"
    if base_url:
        environment["CLICKUP_BASE_URL"] = base_url
    if api_token:
        environment["CLICKUP_API_TOKEN"] = api_token
    environment.update(extra or {})
    return environment


def run_pipeline(
    environment: dict[str, str],
    *,
    steps: list[str] | None = None,
    extra_args: list[str] | None = None,
    stream_output: bool = True,
    cwd: Path = REPO_ROOT,
) -> PipelineResult:
    """`meltano run` the steps (default: tap -> target -> dbt build), teeing its output."""
    command = [
        meltano_executable(),
        *meltano_run_command(),
        *(extra_args or []),
        *(steps or PIPELINE),
    ]
    started = time.monotonic()
    process = subprocess.Popen(
        command,
        cwd=cwd,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    lines: list[str] = []
    assert process.stdout is not None
    for line in process.stdout:
        lines.append(line)
        if stream_output:
            sys.stdout.write(line)
            sys.stdout.flush()
    returncode = process.wait()
    return PipelineResult(returncode, time.monotonic() - started, "".join(lines))
