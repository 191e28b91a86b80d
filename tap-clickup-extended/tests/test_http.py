"""The tap against the ClickUp sandbox over real HTTP: failures, retries, waits, dedupe."""

from __future__ import annotations

import itertools
import json
import re
import socket
import threading
import time
from pathlib import Path
from typing import Any

from clickup_sandbox.model import Comment, TaskTemplate
from tap_clickup_extended.conversions import ms_to_iso

from .conftest import TOKEN, SandboxApi
from .tap_testkit import TapRun, run_tap


def _tasks(api: SandboxApi) -> str:
    return f"/api/v2/team/{api.team_id}/task"


def _spaces(api: SandboxApi) -> str:
    return f"/api/v2/team/{api.team_id}/space"


def _error_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith("tap-clickup-extended: error:")]


def _summary(run: TapRun, stream: str) -> dict[str, str]:
    """The counters of ``stream``'s line of the run summary."""
    line = next(line for line in run.stderr.splitlines() if f"Run summary: {stream}:" in line)
    return dict(re.findall(r"(\w+)=(\S+)", line.split(f"{stream}:", 1)[1]))


def test_bad_token_fails_fast_with_one_line(
    tmp_path: Path, sandbox_api: SandboxApi, base_config: dict[str, Any]
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
    assert [r.status for r in sandbox_api.app.requests.entries()] == [401]  # no retry


def test_unknown_team_names_it_and_the_visible_ones(
    tmp_path: Path, sandbox_api: SandboxApi, base_config: dict[str, Any]
) -> None:
    run = run_tap(tmp_path, {**base_config, "team_ids": ["123"]})
    assert run.returncode == 1
    (line,) = _error_lines(run.stderr)
    assert "123" in line
    assert sandbox_api.team_id in line
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
    tmp_path: Path, sandbox_api: SandboxApi, base_config: dict[str, Any]
) -> None:
    sandbox_api.fail(_spaces(sandbox_api) + "?", "http_429", reset_in_seconds=2)
    run = run_tap(tmp_path, base_config)
    assert run.returncode == 0, run.stderr
    space_requests = sandbox_api.requests_to(_spaces(sandbox_api))
    assert [r.status for r in space_requests] == [429, 200, 200]
    gap = space_requests[1].at - space_requests[0].at
    assert gap >= 1.0  # waited for X-RateLimit-Reset (whole seconds) instead of hammering
    spaces = sandbox_api.export()["spaces"]
    assert len(run.records("spaces")) == len(spaces)
    assert f"spaces: records={len(spaces)} requests=3 retries=1" in run.stderr


def test_500_is_retried_then_succeeds(
    tmp_path: Path, sandbox_api: SandboxApi, base_config: dict[str, Any]
) -> None:
    sandbox_api.fail(_tasks(sandbox_api) + "?", "http_500")
    sandbox_api.fail(_tasks(sandbox_api) + "?", "http_503")
    run = run_tap(tmp_path, base_config)
    assert run.returncode == 0, run.stderr
    tasks = sandbox_api.export()["tasks"]
    assert len(run.records("tasks")) == len(tasks)
    statuses = [r.status for r in sandbox_api.requests_to(_tasks(sandbox_api))]
    assert statuses == [500, 503, 200, 200]  # one page for each archived pass
    assert f"tasks: records={len(tasks)} requests=4 retries=2" in run.stderr


def test_truncated_json_is_retried(
    tmp_path: Path, sandbox_api: SandboxApi, base_config: dict[str, Any]
) -> None:
    sandbox_api.fail(_tasks(sandbox_api) + "?", "truncate_json")
    run = run_tap(tmp_path, base_config)
    assert run.returncode == 0, run.stderr
    assert len(run.records("tasks")) == len(sandbox_api.export()["tasks"])
    assert _summary(run, "tasks")["retries"] == "1"


def test_persistent_500_gives_up_with_one_line(
    tmp_path: Path, sandbox_api: SandboxApi, base_config: dict[str, Any]
) -> None:
    sandbox_api.fail(_spaces(sandbox_api) + "?", "http_502", count=5)
    run = run_tap(tmp_path, {**base_config, "max_retries": 1})
    assert run.returncode == 1
    (line,) = _error_lines(run.stderr)
    assert "after 2 tries" in line
    assert "Traceback" not in run.stderr


def test_inclusive_bookmark_does_not_duplicate(
    tmp_path: Path, sandbox_api: SandboxApi, base_config: dict[str, Any]
) -> None:
    first = run_tap(tmp_path, base_config)
    assert first.returncode == 0, first.stderr
    state = first.last_state()
    partitions = state["bookmarks"]["tasks"]["partitions"]
    tasks = sandbox_api.export()["tasks"]
    newest = {
        archived: max((t for t in tasks if t["archived"] == archived), key=lambda t: t["date_updated_ms"])
        for archived in (False, True)
    }  # fmt: skip
    # One bookmark per archived pass: the newest date_updated that pass read.
    assert {p["context"]["archived"]: p["replication_key_value"] for p in partitions} == {
        archived: ms_to_iso(task["date_updated_ms"]) for archived, task in newest.items()
    }
    bookmark_task = newest[False]
    # The bookmark task gets archived between the two passes of the next run (its date_updated
    # unchanged): the archived pass, held back 1.5 s, lists it again. Still emitted once.
    tasks_path = _tasks(sandbox_api)
    sandbox_api.fail(tasks_path + "?", "slow", after=1, delay_seconds=1.5)
    flipped = threading.Event()

    def archive_after_the_first_pass() -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            served = sandbox_api.requests_to(tasks_path)
            if any(r.query.get("archived") == ["false"] for r in served[2:]):
                with sandbox_api.app.lock:
                    sandbox_api.app.state.tasks[bookmark_task["id"]].archived = True
                flipped.set()
                return
            time.sleep(0.005)

    watcher = threading.Thread(target=archive_after_the_first_pass, daemon=True)
    watcher.start()
    second = run_tap(tmp_path, base_config, state=state)
    watcher.join(timeout=5)
    assert second.returncode == 0, second.stderr
    assert flipped.is_set()
    requests = sandbox_api.requests_to(tasks_path)[2:]
    assert [r.query["archived"] for r in requests] == [["false"], ["true"]]
    ids = [r["id"] for r in second.records("tasks")]
    # the bookmark task of each pass, once (date_updated_gt is inclusive)
    assert ids == [bookmark_task["id"], newest[True]["id"]]
    gts = {r.query["archived"][0]: r.query["date_updated_gt"][0] for r in requests}
    # 1 ms before each bookmark: inclusive or not, it is read
    assert gts == {
        "false": str(newest[False]["date_updated_ms"] - 1),
        "true": str(newest[True]["date_updated_ms"] - 1),
    }
    values = second.records("task_custom_field_values")
    assert sorted((v["task_id"], v["field_id"]) for v in values) == sorted(
        (task["id"], field_id) for task in newest.values() for field_id in task["field_ids"]
    )


def test_records_and_request_plan(
    tmp_path: Path, sandbox_api: SandboxApi, base_config: dict[str, Any]
) -> None:
    run = run_tap(tmp_path, {**base_config, "hash_pii": True, "pii_salt": "s"})
    assert run.returncode == 0, run.stderr
    truth = sandbox_api.export()
    log = sandbox_api.app.requests
    assert log.paths().count("/api/v2/team") == 1  # members reuse it
    assert run.schema("members")["properties"]["last_active"]["x-extras-volatile"] is True
    schema = run.schema("task_custom_field_values")
    assert schema["properties"]["task_date_updated"]["x-extras-volatile"] is True
    lists = {r["id"]: r for r in run.records("lists")}
    assert set(lists) == {lst["id"] for lst in truth["lists"]}
    assert {lst["folder_id"] is None for lst in truth["lists"]} == {True, False}
    for lst in truth["lists"]:
        assert lists[lst["id"]]["folderless"] is (lst["folder_id"] is None)
        assert lists[lst["id"]]["folder_id"] == lst["folder_id"]
    emails = [m["email"] for m in run.records("members")]
    assert len(emails) == len(truth["members"])
    assert all(len(e) == 64 for e in emails) and "example.com" not in run.stderr
    entries = {e["id"]: e for e in run.records("time_entries")}
    assert set(entries) == {e["id"] for e in truth["time_entries"]}
    running = [e for e in truth["time_entries"] if e["is_running"]]
    assert running, "the workspace has a running timer"
    for expected in truth["time_entries"]:
        landed = entries[expected["id"]]
        assert landed["is_running"] is expected["is_running"]
        if expected["is_running"]:
            assert landed["end"] is None and landed["duration_ms"] is None
        else:
            assert landed["duration_ms"] == expected["duration_ms"]
    scans = run.records("time_entry_scans")
    windows = [s["window_start"] for s in scans]
    assert windows == sorted(windows)
    assert sum(s["entry_count"] for s in scans) == len(truth["time_entries"])
    spans = []
    member_ids = ",".join(str(m["user_id"]) for m in truth["members"])
    for r in log.entries():
        assert r.authorization == TOKEN
        if r.path.endswith("/time_entries"):
            assert r.query["assignee"] == [member_ids]
            spans.append((int(r.query["start_date"][0]), int(r.query["end_date"][0])))
    # A year in ceil(365 / 30) = 13 back-to-back windows of at most 30 days.
    assert len(spans) == 13
    assert all(end - start < 30 * 86_400_000 for start, end in spans)
    assert all(nxt[0] == prev[1] + 1 for prev, nxt in itertools.pairwise(spans))
    # The fields of the task payloads first, then those of the lists no task lives in, read
    # from those lists only.
    on_tasks = list(dict.fromkeys(f for t in truth["tasks"] for f in t["field_ids"]))
    used = {t["list_id"] for t in truth["tasks"]}
    unused = [lst for lst in truth["lists"] if lst["id"] not in used]
    assert unused, "the workspace has lists without tasks"
    fields = [f["id"] for f in run.records("custom_fields")]
    assert set(fields[: len(on_tasks)]) == set(on_tasks)
    assert set(fields) == set(on_tasks) | {f for lst in unused for f in lst["field_ids"]}
    assert len(fields) == len(set(fields))
    assert sorted(log.paths("/api/v2/list/")) == sorted(
        f"/api/v2/list/{lst['id']}/field" for lst in unused
    )


def _comment(task_id: str, n: int, now_ms: int) -> Comment:
    return Comment(id=str(9000 - n), task_id=task_id, user_id=81000001, text=f"c{n}",
                   date_ms=now_ms - n * 60_000, assignee_id=None, assigned_by_id=None,
                   resolved=False, reply_count=0)  # fmt: skip


def test_comments_page_by_start_and_skip_deleted_tasks(
    tmp_path: Path, sandbox_api: SandboxApi, base_config: dict[str, Any]
) -> None:
    now_ms = int(time.time() * 1000)
    state = sandbox_api.app.state
    busy, gone = sorted(state.tasks)[:2]
    state.comments[busy] = [_comment(busy, n, now_ms) for n in range(30)]
    # deleted after the walk read it: ClickUp answers its comments with 404 ITEM_013
    sandbox_api.fail(f"/task/{gone}/comment", "http_404")
    run = run_tap(tmp_path, base_config, select={"comments": True})
    assert run.returncode == 0, run.stderr
    truth = sandbox_api.export()
    comments = run.records("comments")
    assert [c["id"] for c in comments if c["task_id"] == busy] == [str(9000 - n) for n in range(30)]
    expected = {c["id"] for c in truth["comments"] if c["task_id"] != gone}
    assert {c["id"] for c in comments} == expected and len(comments) == len(expected)
    log = sandbox_api.app.requests
    pages = [r.query for r in log.entries(f"/api/v2/task/{busy}/comment")]
    assert pages == [{}, {"start": [str(now_ms - 24 * 60_000)], "start_id": ["8976"]}]
    requested = log.entries("/comment")
    assert {r.path.split("/")[4] for r in requested} == set(state.tasks)
    assert [r.status for r in requested].count(404) == 1
    summary = _summary(run, "comments")
    assert (summary["records"], summary["requests"]) == (str(len(expected)), str(len(requested)))
    assert (summary["retries"], summary["skipped_404"]) == ("0", "1")
    assert all("email" not in json.dumps(c) for c in comments)


def test_comments_not_selected_by_default(
    tmp_path: Path, sandbox_api: SandboxApi, base_config: dict[str, Any]
) -> None:
    run = run_tap(tmp_path, base_config)
    assert run.returncode == 0, run.stderr
    assert sandbox_api.app.requests.paths("/api/v2/task/")  # time in status: the task reads ran
    assert not sandbox_api.app.requests.paths("/comment")
    assert run.records("task_status_history")


def test_templates_read_until_a_short_page(
    tmp_path: Path, sandbox_api: SandboxApi, base_config: dict[str, Any]
) -> None:
    state = sandbox_api.app.state
    state.templates = [TaskTemplate(f"tpl{n}", sandbox_api.team_id, f"T{n}") for n in range(101)]
    run = run_tap(tmp_path, base_config)
    assert run.returncode == 0, run.stderr
    assert len({t["id"] for t in run.records("task_templates")}) == 101
    log = sandbox_api.app.requests
    pages = [r.query["page"] for r in log.entries() if r.path.endswith("/taskTemplate")]
    assert pages == [["0"], ["1"]]
