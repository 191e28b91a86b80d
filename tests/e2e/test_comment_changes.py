"""Comments resolved, reassigned and deleted on tasks that otherwise do not change leave
fct_assigned_comments on the next run, and the re-reads that find them stay bounded.

Real parts: the ClickUp sandbox, `meltano run tap target dbt:build` into PostgreSQL with the
comments and comment_scans streams selected. A full run; then the sandbox resolves, reassigns and
deletes open assigned comments without touching their tasks (no task's `date_updated` moves); an
incremental run must bring fct_assigned_comments to the sandbox's truth. A last run with
`comments_recheck_max_tasks=2` must re-read exactly the two least recently read tracked tasks.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest

from orchestrate.pipeline import run_pipeline
from orchestrate.sandbox_runner import Sandbox
from tests.e2e import marts_ground_truth as truth
from tests.e2e.ground_truth import differences

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(1500)]

COMMENT_KINDS = ["resolve_comment", "reassign_comment", "delete_comment"]
RECHECK_SETTING = "TAP_CLICKUP_EXTENDED_COMMENTS_RECHECK_MAX_TASKS"


@pytest.fixture()
def comments_env(pipeline_env: dict[str, str]) -> dict[str, str]:
    """The e2e pipeline environment with every stream selected (comments and their scans too)."""
    # meltano's <PLUGIN>__SELECT overrides the extractor's `select` (comments are off there).
    return {**pipeline_env, "TAP_CLICKUP_EXTENDED__SELECT": '["*.*"]', RECHECK_SETTING: "1000"}


def run(environment: dict[str, str]) -> None:
    result = run_pipeline(environment, stream_output=False)
    assert result.returncode == 0, result.output[-6000:]


def assert_assigned_comments_match(database_url: str, export: dict[str, Any]) -> int:
    expected = truth.expected_assigned_comments(export)
    problems = differences(expected, truth.landed_assigned_comments(database_url))
    assert not problems, "fct_assigned_comments differs from the sandbox:\n" + "\n".join(problems)
    return len(expected)


def tasks_with_open_comments(export: dict[str, Any]) -> set[str]:
    return {task_id for task_id, *_ in truth.expected_assigned_comments(export).values()}


def database_now(database_url: str) -> Any:
    return truth.rows(database_url, "select now() as now")[0]["now"]


def test_comment_changes_without_task_changes_reach_fct_assigned_comments(
    sandbox: Sandbox, database_url: str, comments_env: dict[str, str]
) -> None:
    run(comments_env)
    before = sandbox.export()
    assert assert_assigned_comments_match(database_url, before) >= 10

    applied = sandbox.mutate(9, seed=4, kinds=COMMENT_KINDS)
    after = sandbox.export()
    kinds = Counter(change["kind"] for change in applied["applied"])
    assert set(kinds) == set(COMMENT_KINDS) and sum(kinds.values()) == 9, applied
    assert applied["changed_task_ids"] == []
    # the tasks themselves did not change: an incremental walk reads none of them
    assert {t["id"]: t["date_updated_ms"] for t in before["tasks"]} == {
        t["id"]: t["date_updated_ms"] for t in after["tasks"]
    }
    deleted = {c["comment_id"] for c in applied["applied"] if c["kind"] == "delete_comment"}
    assert deleted and not deleted & {c["id"] for c in after["comments"]}

    run(comments_env)
    assert assert_assigned_comments_match(database_url, after) >= 5
    # the deleted comments stay in the landing history and are recognised as deleted
    found = truth.rows(
        database_url, "select comment_id from clickup_analytics_intermediate.int_comments_deleted"
    )
    assert {r["comment_id"] for r in found} == deleted

    # bounded: with the setting at 2, the two least recently read tracked tasks are re-read
    tracked = tasks_with_open_comments(after)
    assert len(tracked) > 2
    scans = truth.rows(
        database_url,
        "select task_id, scanned_at from clickup_extras.comment_scans__current",
    )
    last_read = {r["task_id"]: r["scanned_at"] for r in scans if r["task_id"] in tracked}
    assert set(last_read) == tracked
    oldest = set(sorted(last_read, key=lambda task_id: (last_read[task_id], task_id))[:2])
    started = database_now(database_url)
    run({**comments_env, RECHECK_SETTING: "2"})
    reread = truth.rows(
        database_url,
        "select task_id from clickup_extras.comment_scans "
        f"where _extras_loaded_at > '{started.isoformat()}'::timestamptz",
    )
    assert sorted(r["task_id"] for r in reread) == sorted(oldest)
