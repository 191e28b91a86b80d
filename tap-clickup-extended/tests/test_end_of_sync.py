"""The end-of-sync marker: the last message of a successful run only, never re-emitted."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tap_clickup_extended.end_of_sync import MARKER_KEY

from .conftest import SandboxApi
from .tap_testkit import run_tap


def test_a_successful_run_ends_with_the_marker_state(
    tmp_path: Path, sandbox_api: SandboxApi, base_config: dict[str, Any]
) -> None:
    run = run_tap(tmp_path, base_config)
    assert run.returncode == 0, run.stderr
    last = run.messages[-1]
    assert last["type"] == "STATE"
    assert last["value"][MARKER_KEY]["completed"] is True
    assert last["value"][MARKER_KEY]["finished_at"].endswith("+00:00")
    # Only the last message carries it, and it is the state before it plus the marker.
    states = [m["value"] for m in run.messages if m["type"] == "STATE"]
    assert [MARKER_KEY in s for s in states] == [False] * (len(states) - 1) + [True]
    assert {k: v for k, v in last["value"].items() if k != MARKER_KEY} == states[-2]


def test_an_old_marker_in_the_input_state_is_never_re_emitted(
    tmp_path: Path, sandbox_api: SandboxApi, base_config: dict[str, Any]
) -> None:
    first = run_tap(tmp_path, base_config)
    assert first.returncode == 0, first.stderr
    state = first.last_state()
    assert MARKER_KEY in state
    sandbox_api.fail(f"/api/v2/team/{sandbox_api.team_id}/task?", "http_503", count=5)
    failed = run_tap(tmp_path, {**base_config, "max_retries": 1}, state=state)
    assert failed.returncode == 1
    failed_states = [m["value"] for m in failed.messages if m["type"] == "STATE"]
    assert failed_states, "the run emitted its (resumed) state"
    assert not any(MARKER_KEY in s for s in failed_states)
