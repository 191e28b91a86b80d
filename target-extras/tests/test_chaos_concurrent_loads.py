"""Two real target processes into one landing schema: the second waits for the first, and stops
with one line naming the holder when the wait exceeds ``lock_timeout_seconds``."""

from __future__ import annotations

import time
import typing as t

import pytest
from chaos_testkit import ITEMS_SCHEMA, TargetProcess, error_lines, items, marker_state, wait_until

if t.TYPE_CHECKING:
    from extras_testkit import Landing

pytestmark = pytest.mark.timeout(120)


def _holder(landing: Landing) -> TargetProcess:
    """A first run that holds the schema: it has loaded and emitted a state, input still open."""
    first = TargetProcess(landing.command(batch_size_rows=100, state_flush_interval_seconds=0))
    first.send([ITEMS_SCHEMA, *items(0, 200)])
    assert wait_until(lambda: len(first.states) >= 2), first.stderr
    return first


def test_a_second_run_waits_for_the_first_then_loads(landing: Landing) -> None:
    first = _holder(landing)
    second = TargetProcess(landing.command(lock_timeout_seconds=60))
    second.feed([ITEMS_SCHEMA, *items(200, 200), marker_state(400)])
    assert wait_until(lambda: "is being loaded by another run" in second.stderr, 30), second.stderr
    time.sleep(1.5)
    assert second.proc.poll() is None  # still waiting, nothing loaded by it
    assert landing.query("select count(*) from {s}._extras_runs") == [(1,)]

    first.feed(items(200, 100))  # the first run ends
    assert first.wait() == 0, first.stderr
    assert second.wait() == 0, second.stderr
    assert "took the landing lock of schema" in second.stderr
    statuses = landing.query("select status from {s}._extras_runs order by started_at")
    assert statuses == [("succeeded",), ("succeeded",)]  # the first was not marked abandoned
    assert landing.query("select count(*), count(distinct id) from {s}.items") == [(400, 400)]


def test_a_second_run_stops_naming_the_holder_when_the_wait_is_exceeded(landing: Landing) -> None:
    first = _holder(landing)
    try:
        (run_id, started_at) = landing.query(
            "select run_id::text, started_at::text from {s}._extras_runs"
        )[0]
        started = time.monotonic()
        second = landing.run([ITEMS_SCHEMA, *items(500, 10)], lock_timeout_seconds=2)
        assert 2 <= time.monotonic() - started < 30
        assert second.returncode == 1
        errors = error_lines(second.stderr)
        assert len(errors) == 1, second.stderr
        assert "is being loaded by another target-extras run" in errors[0]
        assert f"run_id {run_id}" in errors[0] and f"started_at {started_at}" in errors[0]
        assert "PostgreSQL backend pid " in errors[0] and "lock_timeout_seconds 2" in errors[0]
        assert "Traceback" not in second.stderr
        # It wrote nothing: no run row, no records; the first run is untouched.
        assert landing.query("select status from {s}._extras_runs") == [("running",)]
        assert landing.query("select count(*) from {s}.items where id = 'k500'") == [(0,)]
    finally:
        first.feed([])
        assert first.wait() == 0, first.stderr


def test_runs_of_different_lock_scopes_load_at_once(landing: Landing) -> None:
    """Parallel per-workspace jobs: one scope each, so they do not wait for each other."""
    first = TargetProcess(
        landing.command(batch_size_rows=100, state_flush_interval_seconds=0, lock_scope="team-1")
    )
    try:
        first.send([ITEMS_SCHEMA, *items(0, 200)])
        assert wait_until(lambda: len(first.states) >= 2), first.stderr
        other_scope = landing.run([ITEMS_SCHEMA, *items(500, 10)], lock_scope="team-2")
        assert other_scope.returncode == 0, other_scope.stderr
        assert "being loaded by another run" not in other_scope.stderr
        same_scope = landing.run([ITEMS_SCHEMA], lock_scope="team-1", lock_timeout_seconds=1)
        assert same_scope.returncode == 1 and "lock_timeout_seconds 1" in same_scope.stderr
        unscoped = landing.run([ITEMS_SCHEMA], lock_timeout_seconds=1)
        assert unscoped.returncode == 1
        (run_id,) = landing.query(
            "select run_id::text from {s}._extras_runs where lock_scope = 'team-1'"
        )[0]
        assert f"run_id {run_id}" in error_lines(unscoped.stderr)[0]
        # Neither scoped run abandoned the other's live row.
        assert landing.query(
            "select lock_scope, status from {s}._extras_runs order by started_at"
        ) == [("team-1", "running"), ("team-2", "succeeded")]
    finally:
        first.feed([])
        assert first.wait() == 0, first.stderr
