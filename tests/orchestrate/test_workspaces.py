"""Workspace lists: parsing, per-token budgets, and errors that name variables, never tokens."""

from __future__ import annotations

import json

import pytest

from orchestrate.airflow_dags.steps import step_environment
from orchestrate.workspaces import WorkspaceConfigError, load_workspaces, workspace_environment


def test_budget_is_shared_between_workspaces_on_one_token() -> None:
    entries = [
        {"team_id": "1", "token_env": "TOKEN_A"},
        {"team_id": "2", "token_env": "TOKEN_A"},
        {"team_id": "3", "token_env": "TOKEN_B", "name": "beta"},
    ]
    workspaces = load_workspaces({"CLICKUP_WORKSPACES": json.dumps(entries)})
    assert [(w.name, w.rate_limit_per_minute) for w in workspaces] == [
        ("ws-1", 50),
        ("ws-2", 50),
        ("beta", 100),
    ]


def test_file_yaml(tmp_path) -> None:
    path = tmp_path / "workspaces.yml"
    path.write_text("workspaces:\n  - {team_id: 7, token_env: T7, rate_limit_per_minute: 80}\n")
    (workspace,) = load_workspaces({"CLICKUP_WORKSPACES_FILE": str(path)})
    assert (workspace.team_id, workspace.token_env, workspace.rate_limit_per_minute) == (
        "7",
        "T7",
        80,
    )


def test_each_workspace_gets_its_token_team_budget_and_state_suffix() -> None:
    entries = [{"team_id": "1", "token_env": "TOKEN_A"}, {"team_id": "2", "token_env": "TOKEN_B"}]
    environ = {"CLICKUP_WORKSPACES": json.dumps(entries), "TOKEN_A": "pk_aaa", "TOKEN_B": "pk_bbb"}
    first, second = load_workspaces(environ)
    one, two = step_environment({}, first, environ), step_environment({}, second, environ)
    assert (one["CLICKUP_API_TOKEN"], two["CLICKUP_API_TOKEN"]) == ("pk_aaa", "pk_bbb")
    assert (one["TAP_CLICKUP_EXTENDED_TEAM_IDS"], two["TAP_CLICKUP_EXTENDED_TEAM_IDS"]) == (
        '["1"]',
        '["2"]',
    )
    assert one["MELTANO_RUN_STATE_ID_SUFFIX"] != two["MELTANO_RUN_STATE_ID_SUFFIX"]


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("not json", "CLICKUP_WORKSPACES is not a valid list"),
        ('[{"token_env": "A"}]', "entry 1 needs a team_id"),
        ('[{"team_id": "1", "token_env": "pk_123 secret"}]', "must name an environment variable"),
        ('[{"team_id": "1"}, {"team_id": "1", "name": "x"}]', "team_id '1' appears twice"),
        ('[{"team_id": "1", "rate_limit_per_minute": 0}]', "whole number > 0"),
    ],
)
def test_bad_lists_get_one_line_errors(value: str, message: str) -> None:
    with pytest.raises(WorkspaceConfigError, match=message) as error:
        load_workspaces({"CLICKUP_WORKSPACES": value})
    assert "\n" not in str(error.value)


def test_missing_token_names_the_variable_not_a_value() -> None:
    (workspace,) = load_workspaces({"CLICKUP_WORKSPACES": '[{"team_id": "1", "token_env": "TK"}]'})
    with pytest.raises(WorkspaceConfigError, match="environment variable TK is not set"):
        workspace_environment(workspace, {"OTHER": "pk_secret"})
