"""Bad settings end the run at once with one clear line, and secrets never leak."""

from __future__ import annotations

import subprocess
import sys

import pytest

from orchestrate.pipeline import run_pipeline

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(600)]

EXTRACT_LOAD = ["tap-clickup-extended", "target-extras"]


def test_wrong_token_fails_fast_without_printing_it(pipeline_env: dict[str, str]) -> None:
    secret = "pk_81234567_WRONGTOKENVALUE0123456789"
    environment = {**pipeline_env, "CLICKUP_API_TOKEN": secret}
    result = run_pipeline(environment, steps=EXTRACT_LOAD, stream_output=False)
    assert result.returncode != 0
    assert secret not in result.output
    assert "WRONGTOKENVALUE" not in result.output
    assert "api_token" in result.output or "CLICKUP_API_TOKEN" in result.output
    assert "401" in result.output
    assert "Traceback" not in result.output
    assert result.seconds < 120


def test_unknown_workspace_id_is_named(pipeline_env: dict[str, str]) -> None:
    environment = {**pipeline_env, "CLICKUP_TEAM_IDS": '["123456789"]'}
    result = run_pipeline(environment, steps=EXTRACT_LOAD, stream_output=False)
    assert result.returncode != 0
    assert "123456789" in result.output
    assert "Traceback" not in result.output


PASSWORD = "s3cretPassw0rd"
UNREACHABLE = f"postgresql://clickup:{PASSWORD}@127.0.0.1:1/analytics"


def test_make_run_reports_unreachable_database_in_one_line(pipeline_env: dict[str, str]) -> None:
    environment = {**pipeline_env, "DATABASE_URL": UNREACHABLE}
    result = subprocess.run(
        [sys.executable, "-m", "orchestrate.run"],
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "cannot connect to PostgreSQL at postgresql://clickup:***@127.0.0.1:1" in lines[0]
    assert "Check DATABASE_URL" in lines[0]
    assert PASSWORD not in result.stderr


def test_meltano_run_names_the_database_setting_without_password(
    pipeline_env: dict[str, str],
) -> None:
    environment = {**pipeline_env, "DATABASE_URL": UNREACHABLE}
    result = run_pipeline(environment, steps=EXTRACT_LOAD, stream_output=False)
    assert result.returncode != 0
    assert PASSWORD not in result.output
    # Our target's line; Meltano may add its own broken-pipe report after it (not ours to fix).
    assert "target-extras: error: cannot connect to PostgreSQL" in result.output
    assert "Check database_url / DATABASE_URL" in result.output
