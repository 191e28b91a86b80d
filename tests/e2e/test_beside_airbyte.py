"""Our pipeline beside the real Airbyte ClickUp connector, in the same PostgreSQL.

Airbyte's `airbyte-source-clickup-api` (its own manifest; only the base URL is pointed at the
sandbox) runs through PyAirbyte, in a virtualenv of its own, into `airbyte_raw`; then
`meltano run tap-clickup-extended target-extras dbt-postgres:build` runs beside it. Checked:

- our runs change none of Airbyte's rows (fingerprints of every table of `airbyte_raw`);
- `dbt source freshness` passes on `_airbyte_extracted_at` and `_extras_loaded_at`;
- `dim_tasks` holds every sandbox task once, with our custom fields joined to Airbyte's rows;
- the fresher version of a task wins: a rename synced only by Airbyte shows Airbyte's row, a
  rename synced only by us shows ours;
- `airbyte_tasks_enabled: false` leaves Airbyte's staging empty though its table exists;
- `dbt build` succeeds when Airbyte's tables were dropped and recreated by a sync after our
  build, and when they are gone.
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from typing import Any

import psycopg
import pytest

from orchestrate.airbyte.install import AirbyteInstallError, ensure_installed
from orchestrate.airbyte.sync import AirbyteSyncError, run_airbyte_sync
from orchestrate.airbyte.tables import table_fingerprints
from orchestrate.pipeline import REPO_ROOT, meltano_executable, run_pipeline
from orchestrate.sandbox_runner import SANDBOX_TOKEN, Sandbox
from tests.e2e.ground_truth import (
    differences,
    expected_task_field_flags,
    landed_dim_task_field_flags,
)

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(900)]

AIRBYTE_SCHEMA = "airbyte_raw"


@pytest.fixture(scope="module")
def airbyte_installed() -> Iterator[None]:
    """PyAirbyte's virtualenv and the connector's manifest, installed once (reused after)."""
    try:
        ensure_installed()
    except AirbyteInstallError as error:
        pytest.fail(f"Airbyte could not be installed: {error}")
    yield


def airbyte_sync(database_url: str, sandbox: Sandbox) -> dict[str, int]:
    result = run_airbyte_sync(
        database_url, base_url=sandbox.api_url, api_token=SANDBOX_TOKEN, quiet=True
    )
    assert result.schema == AIRBYTE_SCHEMA
    return result.records


def dim_tasks(database_url: str) -> dict[str, dict[str, Any]]:
    with psycopg.connect(database_url) as connection:
        cursor = connection.execute(
            "select task_id, task_name, source_system, list_id, team_id, status, updated_at "
            "from clickup_analytics.dim_tasks"
        )
        columns = [c.name for c in cursor.description or []]
        return {row[0]: dict(zip(columns, row, strict=True)) for row in cursor.fetchall()}


def airbyte_task_ids(database_url: str) -> set[str]:
    with psycopg.connect(database_url) as connection:
        rows = connection.execute(f"select id from {AIRBYTE_SCHEMA}.task").fetchall()
    return {row[0] for row in rows}


def staged_airbyte_tasks(database_url: str) -> int:
    with psycopg.connect(database_url) as connection:
        row = connection.execute(
            "select count(*) from clickup_analytics_staging.stg_airbyte__tasks"
        ).fetchone()
    return int(row[0]) if row else 0


def live_tasks(export: dict[str, Any]) -> dict[str, dict[str, Any]]:
    deleted = set(export.get("deleted", {}).get("tasks", []))
    return {t["id"]: t for t in export["tasks"] if t["id"] not in deleted}


def assert_our_run_left_airbyte_alone(
    database_url: str, pipeline_env: dict[str, str], steps: list[str] | None = None
) -> None:
    before = table_fingerprints(database_url, AIRBYTE_SCHEMA)
    outcome = run_pipeline(pipeline_env, steps=steps, stream_output=False)
    assert outcome.returncode == 0, outcome.output[-6000:]
    after = table_fingerprints(database_url, AIRBYTE_SCHEMA)
    assert before and after == before, "our run changed Airbyte's tables"


def assert_custom_fields_joined(database_url: str, export: dict[str, Any]) -> None:
    problems = differences(
        expected_task_field_flags(export), landed_dim_task_field_flags(database_url)
    )
    assert not problems, "dim_tasks.custom_fields differs from the sandbox:\n" + "\n".join(problems)


def test_marts_beside_real_airbyte_tables(
    airbyte_installed: None, sandbox: Sandbox, database_url: str, pipeline_env: dict[str, str]
) -> None:
    # 1. Airbyte first, then our full run beside it.
    records = airbyte_sync(database_url, sandbox)
    assert records["task"] > 0 and records["list"] > 0
    seen_by_airbyte = airbyte_task_ids(database_url)
    assert_our_run_left_airbyte_alone(database_url, pipeline_env)

    export = sandbox.export()
    tasks = live_tasks(export)
    landed = dim_tasks(database_url)
    assert set(landed) == set(tasks), "dim_tasks must hold every sandbox task once"
    # Airbyte's connector sees only part of the workspace (first page of folder lists, no
    # archived tasks, no subtasks): the rest must come from our stream.
    assert 0 < len(seen_by_airbyte) < len(tasks)
    for task_id, row in landed.items():
        assert row["list_id"] == tasks[task_id]["list_id"], task_id
        assert row["team_id"] == tasks[task_id]["team_id"], task_id
    assert_custom_fields_joined(database_url, export)
    # freshness is configured on both sides' load timestamps, and both were just loaded
    freshness = subprocess.run(
        [meltano_executable(), "invoke", "dbt-postgres", "source", "freshness", "--select",
         "source:airbyte.tasks", "source:airbyte.lists", "source:clickup_extras.tasks"],
        env=pipeline_env, cwd=REPO_ROOT, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert freshness.returncode == 0, freshness.stdout[-4000:]
    assert freshness.stdout.count("PASS freshness of") == 3, freshness.stdout[-4000:]

    # 2. Tasks renamed and synced by Airbyte only (its "replace" drops and recreates its
    #    tables while our models exist): Airbyte's fresher rows win, our stale ones elsewhere.
    old_names = {task_id: task["name"] for task_id, task in tasks.items()}
    renamed = set(sandbox.mutate(20, seed=21, kinds=["rename_task"])["changed_task_ids"])
    airbyte_sync(database_url, sandbox)
    assert_our_run_left_airbyte_alone(database_url, pipeline_env, steps=["dbt-postgres:build"])
    tasks = live_tasks(sandbox.export())
    landed = dim_tasks(database_url)
    airbyte_renamed = renamed & seen_by_airbyte
    assert airbyte_renamed and renamed - seen_by_airbyte, "the seed must rename on both sides"
    for task_id in airbyte_renamed:
        assert landed[task_id]["source_system"] == "airbyte", task_id
        assert landed[task_id]["task_name"] == tasks[task_id]["name"] != old_names[task_id]
    for task_id in renamed - seen_by_airbyte:
        assert landed[task_id]["source_system"] == "clickup_extras", task_id
        assert landed[task_id]["task_name"] == old_names[task_id]
    assert {r["source_system"] for t, r in landed.items() if t not in renamed} == {"clickup_extras"}
    assert_custom_fields_joined(database_url, sandbox.export())

    # 3. Tasks renamed and synced by us only: our fresher rows win over Airbyte's older ones.
    renamed_again = set(sandbox.mutate(20, seed=22, kinds=["rename_task"])["changed_task_ids"])
    assert_our_run_left_airbyte_alone(database_url, pipeline_env)
    export = sandbox.export()
    tasks = live_tasks(export)
    landed = dim_tasks(database_url)
    assert renamed_again & seen_by_airbyte
    assert {t: r["task_name"] for t, r in landed.items()} == {
        t: task["name"] for t, task in tasks.items()
    }
    for task_id in renamed_again:
        assert landed[task_id]["source_system"] == "clickup_extras", task_id
    assert_custom_fields_joined(database_url, export)

    # 4. Switched off by var while its tables exist: Airbyte's staging is empty.
    assert staged_airbyte_tasks(database_url) == len(seen_by_airbyte)
    switched_off = subprocess.run(
        [meltano_executable(), "invoke", "dbt-postgres", "run", "--select", "stg_airbyte__tasks",
         "--vars", "{airbyte_tasks_enabled: false}"],
        env=pipeline_env, cwd=REPO_ROOT, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert switched_off.returncode == 0, switched_off.stdout[-4000:]
    assert staged_airbyte_tasks(database_url) == 0

    # 5. Airbyte's tables gone: dbt build still succeeds, everything from our own streams.
    with psycopg.connect(database_url, autocommit=True) as connection:
        connection.execute(f"drop schema {AIRBYTE_SCHEMA} cascade")
    outcome = run_pipeline(pipeline_env, steps=["dbt-postgres:build"], stream_output=False)
    assert outcome.returncode == 0, outcome.output[-6000:]
    landed = dim_tasks(database_url)
    assert set(landed) == set(tasks)
    assert {r["source_system"] for r in landed.values()} == {"clickup_extras"}


def test_connector_failure_is_one_line_without_the_token(
    airbyte_installed: None, sandbox: Sandbox, database_url: str
) -> None:
    with pytest.raises(AirbyteSyncError) as raised:
        run_airbyte_sync(
            database_url,
            base_url=sandbox.api_url,
            api_token="pk_not_a_valid_token_123",
            streams=["team"],
            quiet=True,
        )
    message = str(raised.value)
    assert "\n" not in message and "pk_not_a_valid_token_123" not in message
    assert sandbox.api_url in message
    assert sandbox.stats()["by_status"].get("401", 0) >= 1
