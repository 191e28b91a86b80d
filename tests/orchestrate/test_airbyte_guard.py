"""The Airbyte guard with a simulated sync: dbt waits, then runs; past the bound, one clear error."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import threading
import time
from datetime import datetime

import psycopg
import pytest

from orchestrate.airbyte_guard.settings import load_settings
from orchestrate.airbyte_guard.wait import AirbyteBusyError, wait_until_idle
from orchestrate.pipeline import REPO_ROOT, run_pipeline
from tests.e2e.conftest import pipeline_env, sandbox
from tests.orchestrate.airbyte_simulation import FakeAirbyteApi, airbyte_sync

__all__ = ["pipeline_env", "sandbox"]

GUARD_THEN_DBT = ["airbyte-guard:wait", "dbt-postgres:build"]
FAST_GUARD = {
    "AIRBYTE_GUARD_QUIET_SECONDS": "2",
    "AIRBYTE_GUARD_POLL_SECONDS": "1",
    "AIRBYTE_GUARD_SCHEMAS": '["airbyte_internal", "airbyte_raw"]',
}
STAMP = re.compile(r"^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+)Z")


def _marts_exist(database_url: str) -> bool:
    with psycopg.connect(database_url) as connection:
        row = connection.execute(
            "select count(*) from information_schema.tables where table_name = 'dim_tasks'"
        ).fetchone()
    return bool(row and row[0])


def _first_stamp(output: str, needle: str) -> float:
    for line in output.splitlines():
        match = STAMP.match(line)
        if match and needle in line:
            return datetime.fromisoformat(match.group(1) + "+00:00").timestamp()
    raise AssertionError(f"no timestamped line with {needle!r} in:\n{output[-3000:]}")


def test_idle_database_proceeds_at_once(database_url: str) -> None:
    settings = load_settings({"DATABASE_URL": database_url, **FAST_GUARD})
    verdict = wait_until_idle(settings, report=lambda _: None)
    assert verdict.idle and verdict.checks == 1


@pytest.mark.e2e
@pytest.mark.timeout(900)
def test_dbt_waits_for_the_sync_then_runs(database_url: str, pipeline_env: dict[str, str]) -> None:
    landed = run_pipeline(
        pipeline_env, steps=["tap-clickup-extended", "target-extras"], stream_output=False
    )
    assert landed.returncode == 0, landed.output[-4000:]
    environment = {**pipeline_env, **FAST_GUARD, "AIRBYTE_GUARD_TIMEOUT_SECONDS": "300"}
    # 30 s: the sync must still be writing when the guard starts, which on a loaded machine can
    # be 15 s after `meltano run` (10 s made the guard find Airbyte already idle there).
    with airbyte_sync(database_url, seconds=30) as sync:
        time.sleep(1)
        result = run_pipeline(environment, steps=GUARD_THEN_DBT, stream_output=False)
    assert result.returncode == 0, result.output[-6000:]
    assert "airbyte-guard: waiting" in result.output
    assert sync["rows"] > 10
    proceeded = _first_stamp(result.output, "Airbyte is idle")
    assert proceeded >= sync["ended_at"], "the guard let dbt start while Airbyte was writing"
    dbt_started = _first_stamp(result.output, "Running with dbt")
    assert dbt_started >= proceeded
    assert _marts_exist(database_url)


@pytest.mark.e2e
def test_past_the_bound_the_run_fails_with_one_message(
    database_url: str, pipeline_env: dict[str, str]
) -> None:
    environment = {**pipeline_env, **FAST_GUARD, "AIRBYTE_GUARD_TIMEOUT_SECONDS": "4"}
    with airbyte_sync(database_url, seconds=60):
        time.sleep(1)
        result = run_pipeline(environment, steps=GUARD_THEN_DBT, stream_output=False)
    assert result.returncode != 0
    errors = [line for line in result.output.splitlines() if "airbyte-guard: error:" in line]
    assert len(errors) == 1, result.output[-4000:]
    assert "Airbyte still looks mid-sync after" in errors[0]
    assert "airbyte_internal.clickup_raw__stream_tasks" in errors[0]
    assert "Running with dbt" not in result.output
    assert not _marts_exist(database_url)


def test_api_reports_a_running_job_then_none(database_url: str) -> None:
    with FakeAirbyteApi(token="ab_secret_token") as api:
        api.running.set()
        threading.Timer(3.0, api.running.clear).start()
        settings = load_settings(
            {
                "DATABASE_URL": database_url,
                **FAST_GUARD,
                "AIRBYTE_GUARD_TIMEOUT_SECONDS": "60",
                "AIRBYTE_GUARD_API_URL": api.url,
                "AIRBYTE_GUARD_API_TOKEN": "ab_secret_token",
            }
        )
        lines: list[str] = []
        verdict = wait_until_idle(settings, report=lines.append)
    assert verdict.idle
    assert verdict.waited_seconds >= 2.5
    assert any("job 42 running on connection c1" in line for line in lines)


def test_api_refusing_the_token_fails_without_printing_it(database_url: str) -> None:
    with FakeAirbyteApi(token="ab_right") as api:
        settings = load_settings(
            {
                "DATABASE_URL": database_url,
                **FAST_GUARD,
                "AIRBYTE_GUARD_TIMEOUT_SECONDS": "1",
                "AIRBYTE_GUARD_API_URL": api.url,
                "AIRBYTE_GUARD_API_TOKEN": "ab_wrong_secret",
            }
        )
        with pytest.raises(AirbyteBusyError) as error:
            wait_until_idle(settings, report=lambda _: None)
    assert "answered 401" in str(error.value)
    assert "ab_wrong_secret" not in str(error.value)


def test_a_user_who_cannot_read_airbytes_tables_gets_one_line(database_url: str) -> None:
    """Never "idle" because the tables are invisible: a clear failure that says what to grant."""
    if "postgres:@" not in database_url:
        pytest.skip("needs the embedded server's password-less local login for a second role")
    with airbyte_sync(database_url, seconds=0.5), psycopg.connect(database_url) as connection:
        connection.execute("drop role if exists guard_reader")
        connection.execute("create role guard_reader login")
        connection.execute("grant usage on schema airbyte_internal to guard_reader")
        connection.commit()
    reader_url = database_url.replace("postgres:@", "guard_reader:@", 1)
    try:
        completed = subprocess.run(
            [sys.executable, "-m", "orchestrate.airbyte_guard", "wait"],
            env={**os.environ, "DATABASE_URL": reader_url, **FAST_GUARD},
            cwd=REPO_ROOT, capture_output=True, text=True, timeout=120, check=False,
        )  # fmt: skip
    finally:
        with psycopg.connect(database_url, autocommit=True) as connection:
            connection.execute("drop owned by guard_reader")
            connection.execute("drop role guard_reader")
    assert completed.returncode == 1
    (line,) = completed.stderr.strip().splitlines()
    assert "cannot read Airbyte's tables (permission denied" in line
