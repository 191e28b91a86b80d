"""The tap against a real local HTTP server: failures, retries, waits, dedupe."""

from __future__ import annotations

import itertools
import json
import socket
from pathlib import Path
from typing import Any

from fake_clickup import TEAM_ID, TOKEN, FakeClickUp, Fault
from tap_testkit import run_tap

TASKS = f"/api/v2/team/{TEAM_ID}/task"
SPACES = f"/api/v2/team/{TEAM_ID}/space"


def _error_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith("tap-clickup-extended: error:")]


def test_bad_token_fails_fast_with_one_line(
    tmp_path: Path, fake_api: FakeClickUp, base_config: dict[str, Any]
) -> None:
    secret = "pk_WRONG_secret_value_777"
    run = run_tap(tmp_path, {**base_config, "api_token": secret})
    assert run.returncode == 1
    assert _error_lines(run.stderr) == [
        "tap-clickup-extended: error: ClickUp rejected the API token (HTTP 401, OAUTH_025): "
        "check the api_token setting / CLICKUP_API_TOKEN."
    ]
    assert "Traceback" not in run.stderr
    assert secret not in run.stderr
    assert len(fake_api.requests) == 1  # no retry


def test_unknown_team_names_it_and_the_visible_ones(
    tmp_path: Path, fake_api: FakeClickUp, base_config: dict[str, Any]
) -> None:
    run = run_tap(tmp_path, {**base_config, "team_ids": ["123"]})
    assert run.returncode == 1
    (line,) = _error_lines(run.stderr)
    assert "123" in line
    assert TEAM_ID in line
    assert "Traceback" not in run.stderr


def test_unreachable_base_url(tmp_path: Path) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    config = {"api_token": TOKEN, "base_url": f"http://127.0.0.1:{port}/api/v2", "max_retries": 1}
    run = run_tap(tmp_path, config)
    assert run.returncode == 1
    (line,) = _error_lines(run.stderr)
    assert f"127.0.0.1:{port}" in line
    assert "unreachable" in line
    assert "Traceback" not in run.stderr
    assert TOKEN not in run.stderr


def test_429_waits_until_reset_then_succeeds(
    tmp_path: Path, fake_api: FakeClickUp, base_config: dict[str, Any]
) -> None:
    fake_api.faults[SPACES].append(Fault(status=429, reset_in=2, remaining=0))
    run = run_tap(tmp_path, base_config)
    assert run.returncode == 0, run.stderr
    space_requests = [r for r in fake_api.requests if r.path == SPACES]
    gap = space_requests[1].at - space_requests[0].at
    assert gap >= 1.0  # waited for X-RateLimit-Reset (whole seconds) instead of hammering
    assert len(run.records("spaces")) == 1
    assert "spaces: records=1 requests=3 retries=1" in run.stderr


def test_500_is_retried_then_succeeds(
    tmp_path: Path, fake_api: FakeClickUp, base_config: dict[str, Any]
) -> None:
    fake_api.faults[TASKS].extend([Fault(status=500), Fault(status=503)])
    run = run_tap(tmp_path, base_config)
    assert run.returncode == 0, run.stderr
    assert len(run.records("tasks")) == 3
    assert "tasks: records=3 requests=4 retries=2" in run.stderr


def test_truncated_json_is_retried(
    tmp_path: Path, fake_api: FakeClickUp, base_config: dict[str, Any]
) -> None:
    fake_api.faults[TASKS].append(Fault(truncated=True))
    run = run_tap(tmp_path, base_config)
    assert run.returncode == 0, run.stderr
    assert len(run.records("tasks")) == 3
    assert "retries=1" in run.stderr


def test_persistent_500_gives_up_with_one_line(
    tmp_path: Path, fake_api: FakeClickUp, base_config: dict[str, Any]
) -> None:
    fake_api.faults[SPACES].extend([Fault(status=502)] * 5)
    run = run_tap(tmp_path, {**base_config, "max_retries": 1})
    assert run.returncode == 1
    (line,) = _error_lines(run.stderr)
    assert "after 2 tries" in line
    assert "Traceback" not in run.stderr


def test_inclusive_bookmark_does_not_duplicate(
    tmp_path: Path, fake_api: FakeClickUp, base_config: dict[str, Any]
) -> None:
    first = run_tap(tmp_path, base_config)
    assert first.returncode == 0, first.stderr
    state = first.last_state()
    partitions = state["bookmarks"]["tasks"]["partitions"]
    # The fake's tasks are all unarchived: only that pass has a bookmark.
    assert [p["context"] for p in partitions if p.get("replication_key_value")] == [
        {"team_id": TEAM_ID, "archived": False}
    ]
    newest = max(int(t["date_updated"]) for t in fake_api.tasks)
    # The same task also comes back in the archived pass: still emitted once.
    fake_api.tasks.append({**fake_api.tasks[-1], "archived": True})
    second = run_tap(tmp_path, base_config, state=state)
    assert second.returncode == 0, second.stderr
    ids = [r["id"] for r in second.records("tasks")]
    assert ids == ["t2"]  # the bookmark task, once (date_updated_gt is inclusive)
    gts = {
        r.query["date_updated_gt"][0]
        for r in fake_api.requests[-4:]
        if r.path == TASKS and r.query["archived"] == ["false"]
    }
    assert gts == {str(newest - 1)}  # 1 ms before the bookmark: inclusive or not, it is read
    values = second.records("task_custom_field_values")
    assert sorted((v["task_id"], v["field_id"]) for v in values) == [
        ("t2", "f-dd"),
        ("t2", "f-num"),
        ("t2", "f-unset"),
    ]


def test_records_and_request_plan(
    tmp_path: Path, fake_api: FakeClickUp, base_config: dict[str, Any]
) -> None:
    run = run_tap(tmp_path, {**base_config, "hash_pii": True, "pii_salt": "s"})
    assert run.returncode == 0, run.stderr
    assert fake_api.paths("/api/v2/team").count("/api/v2/team") == 1  # members reuse it
    assert run.schema("members")["properties"]["last_active"]["x-extras-volatile"] is True
    schema = run.schema("task_custom_field_values")
    assert schema["properties"]["task_date_updated"]["x-extras-volatile"] is True
    lists = {r["id"]: r for r in run.records("lists")}
    assert lists["302"]["folderless"] is True and lists["302"]["folder_id"] is None
    assert lists["301"]["folder_id"] == "201"
    emails = [m["email"] for m in run.records("members")]
    assert all(len(e) == 64 for e in emails) and "example.com" not in run.stderr
    entries = {e["id"]: e for e in run.records("time_entries")}
    running = entries["1963465985517105841"]
    assert running["is_running"] is True
    assert running["end"] is None and running["duration_ms"] is None
    assert entries["1963465985517105840"]["duration_ms"] == 60000
    scans = run.records("time_entry_scans")
    windows = [s["window_start"] for s in scans]
    assert windows == sorted(windows)
    assert sum(s["entry_count"] for s in scans) == 2
    spans = []
    for r in fake_api.requests:
        assert r.authorization == TOKEN
        if r.path.endswith("/time_entries"):
            assert r.query["assignee"] == ["1001,1002"]
            spans.append((int(r.query["start_date"][0]), int(r.query["end_date"][0])))
    # A year in ceil(365 / 30) = 13 back-to-back windows of at most 30 days.
    assert len(spans) == 13
    assert all(end - start < 30 * 86_400_000 for start, end in spans)
    assert all(nxt[0] == prev[1] + 1 for prev, nxt in itertools.pairwise(spans))
    # Three fields from the task payloads, one from the list no task lives in (302).
    assert [f["id"] for f in run.records("custom_fields")] == [
        "f-dd",
        "f-num",
        "f-unset",
        "f-loose",
    ]
    assert fake_api.paths("/api/v2/list/") == ["/api/v2/list/302/field"]


def _comment(n: int, now_ms: int) -> dict:
    user = {"id": 1001, "username": "ann", "email": "ann@example.com"}
    return {"id": str(9000 - n), "comment": [{"text": f"c{n}"}], "comment_text": f"c{n}",
            "user": user, "resolved": False, "assignee": None, "assigned_by": None,
            "reactions": [], "date": str(now_ms - n * 60_000), "reply_count": "0"}  # fmt: skip


def test_comments_page_by_start_and_skip_deleted_tasks(
    tmp_path: Path, fake_api: FakeClickUp, base_config: dict[str, Any]
) -> None:
    fake_api.comments["t0"] = [_comment(n, fake_api.now_ms) for n in range(30)]
    fake_api.deleted_task_ids.add("t1")
    run = run_tap(tmp_path, base_config, select={"comments": True})
    assert run.returncode == 0, run.stderr
    assert [c["id"] for c in run.records("comments")] == [str(9000 - n) for n in range(30)]
    pages = [r.query for r in fake_api.requests if r.path == "/api/v2/task/t0/comment"]
    assert pages == [{}, {"start": [str(fake_api.now_ms - 24 * 60_000)], "start_id": ["8976"]}]
    assert "comments: records=30 requests=4 retries=0 waited_seconds=0.0 skipped_404=1" in (
        run.stderr
    )
    assert all("email" not in json.dumps(c) for c in run.records("comments"))


def test_comments_not_selected_by_default(
    tmp_path: Path, fake_api: FakeClickUp, base_config: dict[str, Any]
) -> None:
    run = run_tap(tmp_path, base_config)
    assert run.returncode == 0, run.stderr
    assert not fake_api.paths("/api/v2/task/t")
    assert run.records("task_status_history")


def test_templates_read_until_a_short_page(
    tmp_path: Path, fake_api: FakeClickUp, base_config: dict[str, Any]
) -> None:
    fake_api.templates = [{"id": f"tpl{n}", "name": f"T{n}"} for n in range(101)]
    run = run_tap(tmp_path, base_config)
    assert run.returncode == 0, run.stderr
    assert len({t["id"] for t in run.records("task_templates")}) == 101
    pages = [r.query["page"] for r in fake_api.requests if r.path.endswith("/taskTemplate")]
    assert pages == [["0"], ["1"]]
