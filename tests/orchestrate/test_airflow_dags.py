"""Airflow runs the DAGs generated from the Meltano schedules (Airflow installed on first use).

`airflow dags list` shows one DAG per schedule; with two workspaces configured the extract-load
task is mapped over them; `airflow dags test` runs the incremental DAG end to end: the sandbox,
the embedded PostgreSQL, the Airbyte guard and dbt, ending with marts equal to the ground truth.
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from orchestrate.pipeline import REPO_ROOT, meltano_executable
from orchestrate.sandbox_runner import Sandbox
from tests.e2e.conftest import pipeline_env, sandbox
from tests.e2e.test_pipeline_ground_truth import assert_matches_ground_truth

__all__ = ["pipeline_env", "sandbox"]
pytestmark = [pytest.mark.e2e, pytest.mark.timeout(1500)]

SCHEDULE_DAGS = {
    "meltano_clickup-incremental",
    "meltano_clickup-time-entries-daily",
    "meltano_clickup-reconcile-weekly",
}
AIRFLOW_PYTHON = REPO_ROOT / ".meltano" / "utilities" / "airflow" / "venv" / "bin" / "python"


def _meltano(args: list[str], environment: dict[str, str], timeout: float = 900) -> str:
    completed = subprocess.run(
        [meltano_executable(), *args],
        cwd=REPO_ROOT, env=environment, capture_output=True, text=True, timeout=timeout,
        check=False,
    )  # fmt: skip
    output = completed.stdout + completed.stderr
    assert completed.returncode == 0, f"meltano {' '.join(args)} failed:\n{output[-6000:]}"
    return output


@pytest.fixture(scope="module")
def airflow_env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """Airflow installed (once, `meltano install airflow`), with a fresh home and SQLite DB."""
    import os

    home = tmp_path_factory.mktemp("airflow-home")
    environment = {
        **os.environ,
        "AIRFLOW_HOME": str(home),
        "AIRFLOW_SQL_ALCHEMY_CONN": f"sqlite:///{home}/airflow.db",
        "CLICKUP_AIRFLOW_RETRIES": "0",
        "MELTANO_SEND_ANONYMOUS_USAGE_STATS": "false",
    }
    _meltano(["install", "airflow"], environment)
    _meltano(["invoke", "airflow:initdb"], environment)
    yield environment


def test_dags_list_shows_one_dag_per_schedule(airflow_env: dict[str, str]) -> None:
    output = _meltano(["invoke", "airflow", "dags", "list", "--output", "json"], airflow_env)
    (line,) = [line for line in output.splitlines() if line.startswith('[{"dag_id"')]
    listed = json.loads(line)
    assert {dag["dag_id"] for dag in listed} >= SCHEDULE_DAGS
    errors = _meltano(["invoke", "airflow", "dags", "list-import-errors"], airflow_env)
    assert "No data found" in errors


def test_extract_load_is_mapped_over_workspaces(airflow_env: dict[str, str]) -> None:
    """The real Airflow builds the DAG: EL mapped over two workspaces, then guard, then dbt."""
    workspaces = [
        {"name": "acme", "team_id": "1", "token_env": "TOKEN_A"},
        {"name": "beta", "team_id": "2", "token_env": "TOKEN_B"},
    ]
    probe = (
        "import json\n"
        "from orchestrate.airflow_dags.factory import build_dags\n"
        "dag = build_dags()['meltano_clickup-incremental']\n"
        "print(json.dumps({'tasks': [t.task_id for t in dag.topological_sort()],\n"
        "  'mapped': [t.task_id for t in dag.tasks if type(t).__name__ == 'MappedOperator'],\n"
        "  'kwargs': [w['workspace']['name'] for w in dag.task_dict['tap-clickup-extended__target-extras'].expand_input.value['op_kwargs']],\n"
        "  'catchup': dag.catchup, 'max_active_runs': dag.max_active_runs,\n"
        "  'retries': dag.default_args['retries']}))\n"
    )  # fmt: skip
    completed = subprocess.run(
        [str(AIRFLOW_PYTHON), "-c", probe],
        cwd=REPO_ROOT,
        env={**airflow_env, "CLICKUP_WORKSPACES": json.dumps(workspaces), "PYTHONPATH": str(REPO_ROOT)},
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert completed.returncode == 0, completed.stderr[-4000:]
    shape = json.loads(completed.stdout.strip().splitlines()[-1])
    assert shape["tasks"] == [
        "tap-clickup-extended__target-extras",
        "airbyte-guard.wait",
        "dbt-postgres.build",
    ]
    assert shape["mapped"] == ["tap-clickup-extended__target-extras"]
    assert shape["kwargs"] == ["acme", "beta"]
    assert (shape["catchup"], shape["max_active_runs"], shape["retries"]) == (False, 1, 0)


def test_dags_test_runs_the_incremental_pipeline(
    airflow_env: dict[str, str],
    sandbox: Sandbox,
    database_url: str,
    pipeline_env: dict[str, str],
    tmp_path: Path,
) -> None:
    environment = {
        **pipeline_env,
        **{k: v for k, v in airflow_env.items() if k.startswith(("AIRFLOW", "CLICKUP_AIRFLOW"))},
        "AIRBYTE_GUARD_POLL_SECONDS": "1",
    }
    output = _meltano(
        ["invoke", "airflow", "dags", "test", "meltano_clickup-incremental"], environment, 1200
    )
    finished = [line for line in output.splitlines() if "DagRun Finished" in line]
    assert finished and "state=success" in finished[-1], output[-6000:]
    succeeded = [line for line in output.splitlines() if "Marking task as SUCCESS" in line]
    for task in ("tap-clickup-extended__target-extras", "airbyte-guard.wait", "dbt-postgres.build"):
        assert any(f"task_id={task}," in line for line in succeeded), f"{task}:\n{output[-6000:]}"
    assert_matches_ground_truth(sandbox, database_url)

    # The weekly reconciliation (full refresh, as its schedule sets it) after some changes keeps
    # every landed version and ends equal to the ground truth again.
    before = _history_rows(database_url)
    assert before.get("tasks"), before
    sandbox.mutate(20, seed=9)
    _meltano(
        ["--environment=dev", "schedule", "run", "clickup-reconcile-weekly"], environment, 1200
    )
    after = _history_rows(database_url)
    assert all(after[table] >= rows for table, rows in before.items()), (before, after)
    assert_matches_ground_truth(sandbox, database_url)


def _history_rows(database_url: str) -> dict[str, int]:
    """Rows per landing table (history: versions only ever get added)."""
    with psycopg.connect(database_url) as connection:
        tables = [
            row[0]
            for row in connection.execute(
                "select table_name from information_schema.tables where table_schema = "
                "'clickup_extras' and table_type = 'BASE TABLE' and table_name not like '\\_%'"
            )
        ]
        return {
            table: int(
                connection.execute(f'select count(*) from clickup_extras."{table}"').fetchone()[0]
            )
            for table in tables
        }
