"""Only a complete scan of the tasks may prove a deletion (docs/clickup-api.md §10).

A run from nothing (no state, no ``start_date``) walks every task of every workspace: its task
records carry the run's table version and an ACTIVATE_VERSION for ``tasks`` follows, so the
target marks the tasks it did not list deleted. A run from a bookmark, or from ``start_date``,
sees only changed tasks and must send no ACTIVATE_VERSION for ``tasks``.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from .tap_testkit import TapRun, control, run_tap, running_sandbox

#: A start_date inside the sandbox's history: a full re-read from it misses the older tasks.
RECENT = (datetime.now(UTC) - timedelta(days=20)).strftime("%Y-%m-%dT%H:%M:%SZ")
SELECT = {
    "comments": False,
    "time_entries": False,
    "time_entry_scans": False,
    "task_status_history": False,
}


@pytest.fixture(scope="module")
def sandbox() -> Iterator[str]:
    with running_sandbox("--tasks", "120", "--members", "5", "--months", "2") as url:
        yield url


def _config(url: str, **extra: Any) -> dict[str, Any]:
    return {"api_token": "pk_sandbox", "base_url": url, "rate_limit_per_minute": 100_000, **extra}


def _run(tmp_path: Path, name: str, config: dict[str, Any], **kwargs: Any) -> TapRun:
    where = tmp_path / name
    where.mkdir()
    return run_tap(where, config, select=SELECT, **kwargs)


def _activations(run: TapRun, stream: str) -> list[int]:
    return [
        m["version"]
        for m in run.messages
        if m["type"] == "ACTIVATE_VERSION" and m["stream"] == stream
    ]


def _versions(run: TapRun, stream: str) -> set[Any]:
    return {
        m.get("version") for m in run.messages if m["type"] == "RECORD" and m["stream"] == stream
    }


def test_a_complete_scan_activates_a_version_and_an_incremental_run_does_not(
    sandbox: str, tmp_path: Path
) -> None:
    full = _run(tmp_path, "full", _config(sandbox))
    assert full.returncode == 0, full.stderr[-3000:]
    [version] = _activations(full, "tasks")
    assert _versions(full, "tasks") == {version}
    assert {r["id"] for r in full.records("tasks")} == {
        t["id"] for t in control(sandbox, "GET", "/export")["tasks"]
    }
    # the activation comes after the last task record
    kinds = [(m["type"], m.get("stream")) for m in full.messages]
    assert kinds.index(("ACTIVATE_VERSION", "tasks")) > max(
        i for i, k in enumerate(kinds) if k == ("RECORD", "tasks")
    )

    result = control(sandbox, "POST", "/mutate", {"count": 2, "seed": 3, "kinds": ["delete_task"]})
    deleted = {tid for change in result["applied"] for tid in change["deleted_task_ids"]}
    control(sandbox, "POST", "/mutate", {"count": 3, "seed": 4, "kinds": ["rename_task"]})

    incremental = _run(tmp_path, "incremental", _config(sandbox), state=full.last_state())
    assert incremental.returncode == 0, incremental.stderr[-3000:]
    assert incremental.records("tasks"), "the incremental run read the changed tasks"
    assert _activations(incremental, "tasks") == []
    assert _versions(incremental, "tasks") == {None}
    assert "proves no deletion" in incremental.stderr

    bounded = _run(tmp_path, "bounded", _config(sandbox, start_date=RECENT))
    assert bounded.returncode == 0, bounded.stderr[-3000:]
    assert _activations(bounded, "tasks") == []

    again = _run(tmp_path, "again", _config(sandbox))
    assert again.returncode == 0, again.stderr[-3000:]
    assert len(_activations(again, "tasks")) == 1
    assert not deleted & {r["id"] for r in again.records("tasks")}
