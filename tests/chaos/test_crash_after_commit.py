"""A target killed right after a state commit, then an incremental rerun: no task row is lost.

Real ``meltano run tap-clickup-extended target-extras`` against the sandbox, state in a file
backend. The sandbox answers task pages after the first slowly (10.5 s, longer than the target's
10 s state interval), so the first STATEs the tap writes after each pause are committed at once:
the first batch's children are written right after the second page arrives, the second batch's
after the third, the archived pass's after its first page. The watcher SIGKILLs the target at
its first (or second) commit of a state that carries a ``tasks`` bookmark (meltano_crash.py).
The rerun (``--force``: the killed run's lock is still there) must leave every task,
custom-field value, relationship and status of the sandbox in the ``__current`` views, each key
with one version only.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from psycopg import sql

from orchestrate.pipeline import pipeline_environment, run_pipeline
from orchestrate.sandbox_runner import SANDBOX_TOKEN, Sandbox, running_sandbox
from tests.chaos.landing import compare_with_export
from tests.chaos.meltano_crash import rerun, run_until_commit

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(600)]
#: Task pages after the first: the walk reads one task ahead, so each arrives right before the
#: children of the batch that ends with the page before it are written.
SLOW_TASK_PAGES = {"path_contains": "/task?", "kind": "slow", "delay_seconds": 10.5, "after": 1}


@pytest.fixture()
def sandbox() -> Iterator[Sandbox]:
    """One workspace of 250 tasks (three pages in the non-archived pass), no rate limit."""
    with running_sandbox("--tasks", "250", "--seed", "11", "--rate-limit", "100000") as running:
        yield running


@pytest.mark.parametrize(
    ("commit", "slow_pages"), [(1, 2), (2, 3)], ids=["first-commit", "second-commit"]
)
def test_rerun_after_a_crash_right_after_a_commit_loses_nothing(
    sandbox: Sandbox, database_url: str, tmp_path: Path, commit: int, slow_pages: int
) -> None:
    environment = pipeline_environment(
        database_url,
        base_url=sandbox.api_url,
        api_token=SANDBOX_TOKEN,
        extra={
            "TAP_CLICKUP_EXTENDED_RATE_LIMIT_PER_MINUTE": "100000",
            "MELTANO_STATE_BACKEND_URI": (tmp_path / "state").as_uri(),
            "TMPDIR": str(tmp_path),
        },
    )
    (tmp_path / "state").mkdir()
    sandbox.set_faults([{**SLOW_TASK_PAGES, "count": slow_pages}])
    crashed = run_until_commit(environment, database_url, nth=commit)
    assert crashed.killed, (
        "the run ended before a tasks bookmark was committed:\n" + (crashed.output[-4000:])
    )
    assert crashed.returncode != 0
    sandbox.clear_faults()

    again = rerun(environment)
    assert again.returncode == 0, again.stdout[-4000:] + again.stderr[-4000:]
    found = compare_with_export(database_url, sandbox.export())
    report = f"killed at tasks bookmarks {crashed.committed_tasks_bookmarks}:\n" + "\n".join(
        result.line() for result in found
    )
    assert all(r.lost == 0 and r.doubled == 0 and r.unexpected == 0 for r in found), report
    assert all(r.expected > 100 for r in found), report


def _mart_counts(database_url: str) -> dict[str, int]:
    """Rows of every mart (the tables dbt built in the marts schema)."""
    with psycopg.connect(database_url) as connection:
        tables = [
            name
            for (name,) in connection.execute(
                "select table_name from information_schema.tables where table_schema = "
                "'clickup_analytics' and table_type = 'BASE TABLE' order by 1"
            ).fetchall()
        ]
        counts = {}
        for table in tables:
            query = sql.SQL("select count(*) from {}").format(
                sql.Identifier("clickup_analytics", table)
            )
            row = connection.execute(query).fetchone()
            counts[table] = row[0] if row else 0
    return counts


def _changes_per_pair(database_url: str) -> dict[tuple[str, str], int]:
    with psycopg.connect(database_url) as connection:
        rows = connection.execute(
            "select task_id, field_id, count(*) from clickup_analytics.fct_custom_field_changes "
            "group by 1, 2"
        ).fetchall()
    return {(task, field): n for task, field, n in rows}


def test_whole_run_killed_then_rerun_builds_the_marts_of_a_clean_run(
    sandbox: Sandbox, database_url: str, postgres_server_url: str, tmp_path: Path
) -> None:
    """meltano, tap and target SIGKILLed together after the first commit; then rerun and dbt.

    The marts must equal those of a clean run of the same workspace into another database.
    Before the fix the rerun left 1,249 of 3,308 custom-field values, 125 relationships and 224
    status rows out of the landing, and dbt passed its tests on it all the same.
    """

    def environment_for(url: str, name: str) -> dict[str, str]:
        (tmp_path / name).mkdir()
        return pipeline_environment(
            url,
            base_url=sandbox.api_url,
            api_token=SANDBOX_TOKEN,
            extra={
                "TAP_CLICKUP_EXTENDED_RATE_LIMIT_PER_MINUTE": "100000",
                "MELTANO_STATE_BACKEND_URI": (tmp_path / name / "state").as_uri(),
                # Its own Meltano system database: the killed run's job row stays 'running'
                # there, and no other test's plain `meltano run` must trip over it.
                "MELTANO_DATABASE_URI": f"sqlite:///{tmp_path / name / 'meltano.db'}",
                "TMPDIR": str(tmp_path / name),
            },
        )

    crashed_env = environment_for(database_url, "crashed")
    (tmp_path / "crashed" / "state").mkdir()
    sandbox.set_faults([{**SLOW_TASK_PAGES, "count": 2}])
    crashed = run_until_commit(crashed_env, database_url, nth=1, whole_run=True)
    assert crashed.killed, "the run ended before a tasks bookmark was committed"
    sandbox.clear_faults()
    again = rerun(crashed_env)
    assert again.returncode == 0, again.stdout[-4000:] + again.stderr[-4000:]
    found = compare_with_export(database_url, sandbox.export())
    assert all(r.lost == 0 and r.doubled == 0 for r in found), "\n".join(r.line() for r in found)
    built = run_pipeline(crashed_env, steps=["dbt-postgres:build"], stream_output=False)
    assert built.returncode == 0, built.output[-4000:]

    clean_url = _new_database(postgres_server_url)
    clean_env = environment_for(clean_url, "clean")
    (tmp_path / "clean" / "state").mkdir()
    clean = run_pipeline(clean_env, stream_output=False)
    assert clean.returncode == 0, clean.output[-4000:]

    crashed_marts, clean_marts = _mart_counts(database_url), _mart_counts(clean_url)
    assert clean_marts["fct_custom_field_changes"] > 1000, clean_marts
    assert crashed_marts == clean_marts
    assert _changes_per_pair(database_url) == _changes_per_pair(clean_url)


def _new_database(server_url: str) -> str:
    name = f"clean_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(server_url, autocommit=True) as connection:
        connection.execute(sql.SQL("create database {}").format(sql.Identifier(name)))
    base, _, query = server_url.partition("?")
    return f"{base.rsplit('/', 1)[0]}/{name}" + (f"?{query}" if query else "")
