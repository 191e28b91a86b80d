"""The run log tells the truth: ``succeeded`` only when the tap said it finished and everything
is committed; a target killed with SIGKILL leaves a row the next run marks ``abandoned``."""

from __future__ import annotations

import typing as t

import pytest
from chaos_testkit import (
    ITEMS_SCHEMA,
    MARKER,
    TargetProcess,
    error_lines,
    items,
    marker_state,
    wait_until,
)

if t.TYPE_CHECKING:
    from extras_testkit import Landing

pytestmark = pytest.mark.timeout(120)
REQUIRED = {"require_end_of_sync_marker": True}


def _runs(landing: Landing) -> list[tuple]:
    return landing.query(
        "select status, error, last_state from {s}._extras_runs order by started_at"
    )


def test_input_ending_after_the_marker_succeeds_and_the_marker_is_not_stored(
    landing: Landing,
) -> None:
    run = landing.run([ITEMS_SCHEMA, *items(0, 250), marker_state(250)], **REQUIRED)
    assert run.returncode == 0, run.stderr
    assert run.states[-1] == {"bookmarks": {"items": {"n": 250}}}  # Meltano's state stays clean
    assert not any("clickup_extras_sync" in state for state in run.states)
    ((status, error, last_state),) = _runs(landing)
    assert (status, error) == ("succeeded", None)
    assert last_state == {"bookmarks": {"items": {"n": 250}}}


def test_input_ending_without_the_marker_is_a_failed_run_that_lost_nothing(
    landing: Landing,
) -> None:
    """The tap failed or was killed: its output just ends (here after 250 of its records)."""
    run = landing.run([ITEMS_SCHEMA, *items(0, 250)], **REQUIRED)
    assert run.returncode == 1
    errors = error_lines(run.stderr)
    assert len(errors) == 1, run.stderr
    assert "ended before its end-of-sync marker" in errors[0]
    assert "Traceback" not in run.stderr
    ((status, error, last_state),) = _runs(landing)
    assert status == "failed" and "the tap failed or was killed" in error
    assert last_state == run.states[-1] == {"bookmarks": {"items": {"n": 200}}}
    assert landing.query("select count(*) from {s}.items") == [(250,)]  # everything committed


def test_a_record_after_the_marker_means_the_sync_did_not_finish(landing: Landing) -> None:
    run = landing.run([ITEMS_SCHEMA, *items(0, 10), marker_state(10), *items(10, 5)], **REQUIRED)
    assert run.returncode == 1
    assert _runs(landing)[0][0] == "failed"


def test_without_the_setting_another_taps_input_still_succeeds(landing: Landing) -> None:
    run = landing.run([ITEMS_SCHEMA, *items(0, 10)])  # require_end_of_sync_marker off: default
    assert run.returncode == 0, run.stderr
    assert _runs(landing)[0][0] == "succeeded"
    # The marker is still removed when it comes.
    again = landing.run([ITEMS_SCHEMA, {"type": "STATE", "value": {"x": 1, **MARKER}}])
    assert again.returncode == 0, again.stderr
    assert again.states == [{"x": 1}]


def test_a_killed_target_leaves_a_row_the_next_run_marks_abandoned(landing: Landing) -> None:
    killed = TargetProcess(landing.command(batch_size_rows=100, state_flush_interval_seconds=0))
    killed.send([ITEMS_SCHEMA, *items(0, 300)])
    assert wait_until(lambda: len(killed.states) >= 2), killed.stderr
    killed.kill()
    [(status, _, last_state)] = _runs(landing)
    assert status == "running" and last_state == killed.states[-1]
    (killed_id,) = landing.query("select run_id::text from {s}._extras_runs")[0]

    run = landing.run([ITEMS_SCHEMA, *items(0, 300), marker_state(300)], **REQUIRED)
    assert run.returncode == 0, run.stderr
    assert f"run {killed_id}" in run.stderr and "marked 'abandoned'" in run.stderr
    (first, second) = _runs(landing)
    assert first[0] == "abandoned" and "process ended without closing its row" in first[1]
    assert first[2] == last_state  # still the last state whose records were committed
    assert second[0] == "succeeded"
    assert landing.query("select count(*), count(distinct id) from {s}.items") == [(300, 300)]
