"""Bad settings end the run at once with one clear line, and secrets never leak."""

from __future__ import annotations

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


def test_unreachable_database_is_reported_without_password(pipeline_env: dict[str, str]) -> None:
    password = "s3cretPassw0rd"
    url = f"postgresql://clickup:{password}@127.0.0.1:1/analytics"
    environment = {**pipeline_env, "DATABASE_URL": url}
    result = run_pipeline(environment, steps=EXTRACT_LOAD, stream_output=False)
    assert result.returncode != 0
    assert password not in result.output
    assert "DATABASE_URL" in result.output or "database_url" in result.output
    assert "Traceback" not in result.output
