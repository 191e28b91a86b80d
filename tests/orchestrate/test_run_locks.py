"""A killed run blocks nothing, two live dbt builds never run at once (real Meltano, real dbt).

- A ``meltano run`` killed mid-load leaves Meltano's job row ``RUNNING``; plain ``meltano run``
  then refuses the next run for about 5 minutes. Our entry points run with ``--force`` (the
  writers hold advisory locks that die with them), so the next run proceeds at once.
- ``dbt-postgres:build`` runs under the target schema's build lock (orchestrate/dbt_lock.py): a
  second build while one is live waits, then stops with one line naming the holder; a killed
  build frees the lock at once.

Each test has its own Meltano system database, so the job rows a kill leaves behind never reach
the other tests' runs.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from orchestrate.dbt_lock import lock_key
from orchestrate.pipeline import (
    REPO_ROOT,
    meltano_executable,
    meltano_run_command,
    pipeline_environment,
    run_pipeline,
)
from orchestrate.sandbox_runner import SANDBOX_TOKEN, Sandbox, running_sandbox

pytestmark = pytest.mark.e2e
EL = ["tap-clickup-extended", "target-extras"]


@pytest.fixture()
def sandbox() -> Iterator[Sandbox]:
    """A small workspace behind a tight budget (40 requests per 5 s), so a load takes seconds."""
    with running_sandbox(
        "--tasks", "150", "--seed", "5", "--rate-limit", "40", "--rate-window-seconds", "5"
    ) as running:
        yield running


@pytest.fixture()
def environment(database_url: str, sandbox: Sandbox, tmp_path: Path) -> dict[str, str]:
    (tmp_path / "state").mkdir()
    return pipeline_environment(
        database_url,
        base_url=sandbox.api_url,
        api_token=SANDBOX_TOKEN,
        extra={
            "MELTANO_STATE_BACKEND_URI": (tmp_path / "state").as_uri(),
            "MELTANO_DATABASE_URI": f"sqlite:///{tmp_path / 'meltano.db'}",
            "TAP_CLICKUP_EXTENDED_RATE_LIMIT_PER_MINUTE": "480",
        },
    )


def _start(environment: dict[str, str], *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [meltano_executable(), *args],
        cwd=REPO_ROOT,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )


def _wait_for(predicate: object, what: str, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():  # type: ignore[operator]
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


def _kill_group(process: subprocess.Popen[str]) -> None:
    os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=30)


def _target_started(database_url: str) -> bool:
    with psycopg.connect(database_url, autocommit=True) as connection:
        found = connection.execute("select to_regclass('clickup_extras._extras_runs')").fetchone()
        if not found or found[0] is None:
            return False
        row = connection.execute("select count(*) from clickup_extras._extras_runs").fetchone()
        return bool(row and row[0])


def _dbt_lock_held(database_url: str, schema: str = "clickup_analytics") -> bool:
    with psycopg.connect(database_url, autocommit=True) as connection:
        row = connection.execute(
            "select count(*) from pg_locks where locktype = 'advisory' and granted "
            "and classid = %s and objid = %s",
            lock_key(schema),
        ).fetchone()
        return bool(row and row[0])


def _lock_waiter_connected(database_url: str) -> bool:
    with psycopg.connect(database_url, autocommit=True) as connection:
        row = connection.execute(
            "select count(*) from pg_stat_activity where application_name like 'clickup-extras dbt%'"
        ).fetchone()
        return bool(row and row[0])


def _dbt_started(database_url: str) -> bool:
    """dbt itself connected (its sessions are named ``dbt`` by dbt-postgres's default)."""
    with psycopg.connect(database_url, autocommit=True) as connection:
        row = connection.execute(
            "select count(*) from pg_stat_activity where application_name like 'dbt%'"
        ).fetchone()
        return bool(row and row[0])


def test_a_killed_run_does_not_block_the_next(environment: dict[str, str], database_url: str):
    first = _start(environment, *meltano_run_command(), *EL)
    _wait_for(lambda: _target_started(database_url), "the target's run-log row")
    _kill_group(first)

    # Plain `meltano run` (what our entry points did before): Meltano still sees the dead job.
    plain = subprocess.run(
        [meltano_executable(), "run", *EL],
        cwd=REPO_ROOT, env=environment, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert plain.returncode != 0
    assert "already running" in plain.stdout + plain.stderr

    started = time.monotonic()
    result = run_pipeline(environment, steps=EL, stream_output=False)
    assert result.returncode == 0, result.output[-3000:]
    assert time.monotonic() - started < 240, "the recovery run waited for the dead one"
    with psycopg.connect(database_url) as connection:
        row = connection.execute("select count(*) from clickup_extras.tasks__current").fetchone()
    assert row is not None and row[0] > 0


def test_two_dbt_builds_never_overlap_and_a_killed_one_frees_the_lock(
    environment: dict[str, str], database_url: str
) -> None:
    loaded = run_pipeline(environment, steps=EL, stream_output=False)
    assert loaded.returncode == 0, loaded.output[-3000:]

    first = _start(environment, *meltano_run_command(), "dbt-postgres:build")
    _wait_for(lambda: _dbt_lock_held(database_url), "the first build to take the lock")
    second = subprocess.run(
        [meltano_executable(), *meltano_run_command(), "dbt-postgres:build"],
        cwd=REPO_ROOT, capture_output=True, text=True, timeout=300,
        env={**environment, "CLICKUP_DBT_LOCK_TIMEOUT_SECONDS": "4"},
    )  # fmt: skip
    output = second.stdout + second.stderr
    assert second.returncode != 0
    errors = [line for line in output.splitlines() if "dbt-lock: error:" in line]
    assert len(errors) == 1, output[-3000:]
    assert "another dbt build into schema clickup_analytics holds the lock" in errors[0]
    assert "clickup-extras dbt build" in errors[0], errors[0]  # the holder, by name
    assert "Traceback" not in output
    assert first.poll() is None, "the first build should still be running"

    _kill_group(first)
    _wait_for(lambda: not _dbt_lock_held(database_url), "the killed build's lock to go", 10)
    third = run_pipeline(
        {**environment, "CLICKUP_DBT_LOCK_TIMEOUT_SECONDS": "4"},
        steps=["dbt-postgres:build"],
        stream_output=False,
    )
    assert third.returncode == 0, third.output[-3000:]
    assert "dbt-lock: holding the build lock of schema clickup_analytics" in third.output


def test_a_second_build_waits_for_the_first(environment: dict[str, str], database_url: str):
    """A build that finds the lock taken waits and builds once it is free (bounded)."""
    loaded = run_pipeline(environment, steps=EL, stream_output=False)
    assert loaded.returncode == 0, loaded.output[-3000:]
    holder = psycopg.connect(
        database_url, autocommit=True, application_name="a build held by the test"
    )
    holder.execute("select pg_advisory_lock(%s, %s)", lock_key("clickup_analytics"))
    waiting = _start(environment, *meltano_run_command(), "dbt-postgres:build")
    try:
        _wait_for(lambda: _lock_waiter_connected(database_url), "the second build's lock attempt")
        time.sleep(3)
        assert waiting.poll() is None, "the second build did not wait"
        assert not _dbt_started(database_url), "dbt ran while the lock was held"
    finally:
        holder.close()  # the holder goes away: the waiting build proceeds
    output, _ = waiting.communicate(timeout=600)
    assert waiting.returncode == 0, output[-3000:]
    assert "a build held by the test" in output  # it said whom it was waiting for
