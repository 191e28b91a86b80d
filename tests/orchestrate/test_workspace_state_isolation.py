"""Two workspaces synced in parallel (as the DAG's mapped task does) never share or overwrite state."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from orchestrate.parallel_workspaces import run_workspaces
from orchestrate.pipeline import pipeline_environment
from orchestrate.sandbox_runner import SANDBOX_TOKEN, Sandbox, running_sandbox
from orchestrate.workspaces import load_workspaces
from tests.orchestrate.conftest import meltano_state

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(900)]
SECOND_TOKEN = "pk_second_workspace"


@pytest.fixture()
def two_workspace_sandbox() -> Iterator[Sandbox]:
    with running_sandbox(
        "--workspaces", "2", "--tasks", "120", "--members", "8", "--months", "3",
        "--seed", "5", "--token", SECOND_TOKEN,
        "--rate-limit", "200", "--rate-window-seconds", "5",
    ) as box:  # fmt: skip
        yield box


def _landed_tasks_by_team(database_url: str) -> Counter[str]:
    with psycopg.connect(database_url) as connection:
        rows = connection.execute(
            "select team_id, count(*) from clickup_extras.tasks__current group by team_id"
        ).fetchall()
    return Counter({str(team): int(count) for team, count in rows})


def test_parallel_workspaces_keep_their_own_state(
    database_url: str, two_workspace_sandbox: Sandbox, tmp_path: Path
) -> None:
    box = two_workspace_sandbox
    export = box.export()
    first_team, second_team = (w["id"] for w in export["workspaces"])
    environ = pipeline_environment(
        database_url,
        base_url=box.api_url,
        extra={
            "MELTANO_STATE_BACKEND_URI": (tmp_path / "state").as_uri(),
            "TOKEN_A": SANDBOX_TOKEN,
            "TOKEN_B": SECOND_TOKEN,
            "CLICKUP_WORKSPACES": json.dumps(
                [
                    {
                        "name": "acme",
                        "team_id": first_team,
                        "token_env": "TOKEN_A",
                        "rate_limit_per_minute": 2400,
                    },
                    {
                        "name": "beta",
                        "team_id": second_team,
                        "token_env": "TOKEN_B",
                        "rate_limit_per_minute": 2400,
                    },
                ]
            ),
        },
    )
    environ.pop("CLICKUP_API_TOKEN", None)
    workspaces = load_workspaces(environ)

    runs = run_workspaces(workspaces, environ=environ)
    failed = [run for run in runs if run.error]
    assert not failed, "\n".join(line for run in failed for line in run.output[-60:])
    states = meltano_state(environ)
    ids = sorted(states)
    assert ids == [
        "dev:tap-clickup-extended-to-target-extras:acme",
        "dev:tap-clickup-extended-to-target-extras:beta",
    ]
    acme, beta = (json.dumps(states[i]) for i in ids)
    assert first_team in acme and second_team not in acme
    assert second_team in beta and first_team not in beta

    expected = Counter(task["team_id"] for task in export["tasks"])
    assert _landed_tasks_by_team(database_url) == expected

    # A later run of one workspace moves its own bookmarks only.
    box.mutate(10, seed=3)
    (again,) = run_workspaces(workspaces[:1], environ=environ)
    assert again.error is None, "\n".join(again.output[-40:])
    after = meltano_state(environ)
    assert after[ids[1]] == states[ids[1]]
    assert after[ids[0]] != states[ids[0]]
