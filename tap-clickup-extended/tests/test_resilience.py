"""Against the sandbox: faults, interruptions, mid-sync changes and a second client on the token.

Each test compares what the tap emitted with the sandbox's ground truth or with a clean run
of the same workspace, so a retry that drops a page, a resume that restarts or skips, or a
walk that loses a task moved by a concurrent edit all fail here.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from clickup_sandbox.second_client import SecondClient

from orchestrate.sandbox_runner import Sandbox, running_sandbox

from .tap_testkit import TapRun, run_tap

TOKEN = "pk_sandbox"
#: The tasks endpoint with its query (``/team/{id}/taskTemplate`` must not match).
TEAM_PATH = "/team/9000001/task?"
#: Properties that differ between two runs over the same data: scan windows are counted from
#: the run's start; the minutes of a current status grow with the clock.
RUN_DEPENDENT = {
    "time_entry_scans": {"scanned_at", "window_start", "window_end", "entry_ids", "entry_count"},
    "task_status_history": {"total_minutes"},
}


@pytest.fixture(scope="module")
def sandbox() -> Iterator[Sandbox]:
    """A 250-task workspace with a short rate window, so injected 429s wait seconds."""
    args = ["--tasks", "250", "--members", "5", "--months", "3", "--seed", "5"]
    with running_sandbox(*args, "--rate-limit", "100000", "--rate-window-seconds", "3") as box:
        yield box


def _config(box: Sandbox, **overrides: Any) -> dict[str, Any]:
    return {
        "api_token": TOKEN,
        "base_url": box.api_url,
        "max_retries": 6,
        "rate_limit_per_minute": 100000,
        **overrides,
    }


def _snapshot(run: TapRun) -> dict[str, list[str]]:
    """Every stream's records, sorted, without the properties that depend on the run."""
    streams = {m["stream"] for m in run.messages if m["type"] == "RECORD"}
    out = {}
    for stream in sorted(streams):
        drop = RUN_DEPENDENT.get(stream, set())
        rows = [
            repr(sorted((k, repr(v)) for k, v in record.items() if k not in drop))
            for record in run.records(stream)
        ]
        out[stream] = sorted(rows)
    # The windows differ, the entries they list do not.
    out["time_entry_ids_scanned"] = sorted(
        entry_id for scan in run.records("time_entry_scans") for entry_id in scan["entry_ids"]
    )
    return out


def _dir(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    return path


def _fault_count(box: Sandbox) -> int:
    return int(box.stats()["faults_injected"])


@pytest.fixture
def clean(sandbox: Sandbox) -> Iterator[Sandbox]:
    """No fault rules before or after the test."""
    sandbox.clear_faults()
    yield sandbox
    sandbox.clear_faults()


def test_faults_still_end_with_complete_exact_data(clean: Sandbox, tmp_path: Path) -> None:
    baseline = run_tap(_dir(tmp_path / "a"), _config(clean), timeout=300)
    assert baseline.returncode == 0, baseline.stderr[-2000:]
    clean.reset_stats()
    # Rules on one path act one after the other (the first live rule decides a request).
    clean.set_faults(
        [
            {"path_contains": TEAM_PATH, "kind": "http_429", "count": 1, "every": 2},
            {"path_contains": TEAM_PATH, "kind": "truncate", "count": 1},
            {"path_contains": "/space/", "kind": "http_500", "count": 2, "every": 3},
            {"path_contains": "/folder/", "kind": "http_502", "count": 1},
            {"path_contains": "/folder/", "kind": "slow", "count": 1, "delay_seconds": 3},
            {"path_contains": "time_entries", "kind": "reset", "count": 1, "after": 1},
            {"path_contains": "time_entries", "kind": "http_503", "count": 1},
        ]
    )
    faulted = run_tap(_dir(tmp_path / "b"), _config(clean, request_timeout_seconds=2), timeout=300)
    assert faulted.returncode == 0, faulted.stderr[-2000:]
    assert clean.pending_faults() == []  # every injected fault fired
    assert _fault_count(clean) == 7  # a slow reply is a normal answer, only late
    assert _snapshot(faulted) == _snapshot(baseline)
    total = next(line for line in faulted.stderr.splitlines() if "Run summary: TOTAL" in line)
    assert "retries=8 " in total, total


def test_interrupted_sync_resumes_from_its_last_state(clean: Sandbox, tmp_path: Path) -> None:
    export = clean.export()
    # The third tasks page and every retry of it fail: the run gives up after 100+ tasks.
    clean.set_faults([{"path_contains": TEAM_PATH, "kind": "http_503", "count": 50, "after": 2}])
    first = run_tap(_dir(tmp_path / "a"), _config(clean, max_retries=1), timeout=300)
    assert first.returncode == 1
    assert "Traceback" not in first.stderr
    clean.clear_faults()
    state = first.last_state()
    (partition,) = [
        p
        for p in state["bookmarks"]["tasks"]["partitions"]
        if p["context"] == {"team_id": "9000001", "archived": False}
    ]
    assert partition.get("replication_key_value"), state  # progress was committed mid-walk

    second = run_tap(_dir(tmp_path / "b"), _config(clean), state=state, timeout=300)
    assert second.returncode == 0, second.stderr[-2000:]
    first_ids = {t["id"] for t in first.records("tasks")}
    second_ids = {t["id"] for t in second.records("tasks")}
    assert first_ids | second_ids == {t["id"] for t in export["tasks"]}
    assert len(second_ids) < len(export["tasks"])  # resumed, not restarted
    # Derived records exist for every task, across the two runs.
    values = {
        (v["task_id"], v["field_id"])
        for run in (first, second)
        for v in run.records("task_custom_field_values")
    }
    expected = {(t["id"], f) for t in export["tasks"] for f in t["field_ids"]}
    assert values == expected


def _wait_for(predicate: Any, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def test_tasks_changed_during_a_sync_are_not_lost(clean: Sandbox, tmp_path: Path) -> None:
    first_state_dir = _dir(tmp_path / "a")
    clean.reset_stats()
    # The second tasks page takes 3 s: the workspace changes while the walk is half done.
    clean.set_faults([{"path_contains": TEAM_PATH, "kind": "slow", "after": 1, "delay_seconds": 3}])
    config_file = first_state_dir / "config.json"
    config_file.write_text(json.dumps(_config(clean)))
    out_file, err_file = first_state_dir / "out.jsonl", first_state_dir / "err.log"
    with out_file.open("w") as out, err_file.open("w") as err:
        process = subprocess.Popen(
            [sys.executable, "-m", "tap_clickup_extended", "--config", str(config_file)],
            stdout=out,
            stderr=err,
        )
    endpoint = "GET /team/{team_Id}/task"
    _wait_for(lambda: clean.stats()["by_endpoint"].get(endpoint, 0) >= 1)
    time.sleep(0.5)  # inside the slow second page
    clean.mutate(40, seed=99, kinds=["rename_task", "close_task", "set_custom_field"])
    process.wait(timeout=300)
    stdout, stderr = out_file.read_text(), err_file.read_text()
    assert process.returncode == 0, stderr[-2000:]
    first = TapRun(
        process.returncode,
        [json.loads(line) for line in stdout.splitlines() if line.startswith("{")],
        stderr,
    )
    export = {t["id"]: t for t in clean.export()["tasks"]}
    assert {t["id"] for t in first.records("tasks")} == set(export)  # nothing skipped

    second = run_tap(_dir(tmp_path / "b"), _config(clean), state=first.last_state(), timeout=300)
    assert second.returncode == 0, second.stderr[-2000:]
    newest: dict[str, str] = {}
    for run in (first, second):
        for task in run.records("tasks"):
            newest[task["id"]] = max(newest.get(task["id"], ""), task["date_updated"])
    stale = [
        task_id
        for task_id, truth in export.items()
        if datetime.fromisoformat(newest[task_id])
        != datetime.fromtimestamp(truth["date_updated_ms"] / 1000, UTC)
    ]
    assert stale == []


def test_a_second_client_on_the_token_slows_the_tap_instead_of_throttling_it(
    tmp_path: Path,
) -> None:
    window = 2.0
    limit = 20
    args = ["--tasks", "400", "--members", "5", "--months", "3", "--seed", "8"]
    with running_sandbox(
        *args, "--rate-limit", str(limit), "--rate-window-seconds", str(window)
    ) as box:
        per_minute = limit * 60 / window
        with SecondClient(box.api_url, TOKEN, per_window=limit / 2, window_seconds=window) as other:
            run = run_tap(tmp_path, _config(box, rate_limit_per_minute=per_minute), timeout=600)
        stats = box.stats()
    assert run.returncode == 0, run.stderr[-2000:]
    total = next(line for line in run.stderr.splitlines() if "Run summary: TOTAL" in line)
    requests = int(total.split("requests=")[1].split()[0])
    ours_throttled = stats["throttled"] - other.counts.throttled
    assert requests > 40
    assert other.counts.ok > 0
    assert ours_throttled <= requests // 100, (ours_throttled, requests, total)
