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

from collections.abc import Iterator
from pathlib import Path

import pytest

from orchestrate.pipeline import pipeline_environment
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
