"""Relationships, status history, comments, templates and list fields against the sandbox.

One full sync (comments selected) and one incremental sync after changes, each compared with
the sandbox's ground truth and its request counters.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from .tap_testkit import TapRun, control, run_tap, running_sandbox

TOKEN = "pk_sandbox"
BULK = "GET /task/bulk_time_in_status/task_ids"
COMMENTS = "GET /task/{task_id}/comment"
LIST_FIELDS = "GET /list/{list_id}/field"
EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.]+")


def _iso(ms: int | None) -> str | None:
    if ms is None:
        return None
    return datetime.fromtimestamp(ms / 1000, UTC).isoformat(timespec="microseconds")


def _config(url: str, **extra: Any) -> dict[str, Any]:
    return {"api_token": TOKEN, "base_url": url, "rate_limit_per_minute": 100_000, **extra}


@pytest.fixture(scope="module")
def sandbox() -> Iterator[str]:
    """A small sandbox with a generous rate limit."""
    with running_sandbox(
        "--tasks", "150", "--members", "5", "--months", "2", "--rate-limit", "100000"
    ) as url:
        yield url


@dataclass
class Sync:
    """One tap run with the sandbox's export and request counters right after it."""

    run: TapRun
    export: dict
    requests: dict[str, int]
    seconds: float
    changed: set[str] = field(default_factory=set)


def _sync(url: str, tmp_path: Path, state: dict | None = None, **config: Any) -> Sync:
    control(url, "POST", "/stats/reset", {})
    started = time.monotonic()
    run = run_tap(tmp_path, _config(url, **config), state=state, select={"comments": True})
    seconds = time.monotonic() - started
    assert run.returncode == 0, run.stderr[-3000:]
    stats = control(url, "GET", "/stats")["by_endpoint"]
    return Sync(run, control(url, "GET", "/export"), stats, seconds)


@pytest.fixture(scope="module")
def full(sandbox: str, tmp_path_factory: pytest.TempPathFactory) -> Sync:
    return _sync(sandbox, tmp_path_factory.mktemp("full"))


@pytest.fixture(scope="module")
def incremental(sandbox: str, full: Sync, tmp_path_factory: pytest.TempPathFactory) -> Sync:
    """Changes (status changes included), then a run from the full sync's state."""
    changed = control(sandbox, "POST", "/mutate", {"count": 12, "seed": 4})["changed_task_ids"]
    assert changed
    sync = _sync(sandbox, tmp_path_factory.mktemp("incremental"), state=full.run.last_state())
    sync.changed = set(changed)
    return sync


def expected_relationships(export: dict) -> dict[tuple, dict]:
    """Every relationship row the export implies, by key."""
    types = {f["id"]: f["type"] for f in export["custom_fields"]}
    rows: dict[tuple, dict] = {}

    def add(task: str, related: str, kind: str, field: str = "", **attrs: Any) -> None:
        rows.setdefault((task, related, kind, field), attrs)

    for t in export["tasks"]:
        for d in t["dependencies"]:
            attrs = {"date_created": _iso(d["date_created_ms"]), "user_id": d["user_id"],
                     "dependency_type": d["type"]}  # fmt: skip
            if d["task_id"] == t["id"]:
                add(t["id"], d["depends_on"], "waiting_on", **attrs)
            else:
                add(t["id"], d["task_id"], "blocking", **attrs)
        for lk in t["linked_tasks"]:
            add(t["id"], lk["link_id"], "linked", date_created=_iso(lk["date_created_ms"]),
                user_id=lk["user_id"], link_id=lk["link_id"])  # fmt: skip
        if t["parent"]:
            add(t["id"], t["parent"], "parent")
            add(t["parent"], t["id"], "subtask")
        for field_id, value in t["custom_field_values"].items():
            if types[field_id] == "tasks":
                for related in value:
                    add(t["id"], related, "custom_field", field_id)
    return rows


def _key(row: dict) -> tuple:
    return (row["task_id"], row["related_task_id"], row["kind"], row["field_id"])


def test_relationships_match_ground_truth(full: Sync) -> None:
    expected = expected_relationships(full.export)
    got = {_key(r): r for r in full.run.records("task_relationships")}
    assert set(got) == set(expected)
    for key, attrs in expected.items():
        for name, value in attrs.items():
            assert got[key][name] == value, (key, name)
    kinds = Counter(k[2] for k in got)
    assert set(kinds) == {"waiting_on", "blocking", "linked", "parent", "subtask", "custom_field"}
    same_pair = Counter(k[:2] for k in got if k[2] == "custom_field")
    assert max(same_pair.values()) == 2, "a task names the same task in two fields"


def test_relationship_directions(full: Sync) -> None:
    keys = {_key(r) for r in full.run.records("task_relationships")}
    mirror = {"waiting_on": "blocking", "blocking": "waiting_on", "linked": "linked",
              "parent": "subtask", "subtask": "parent"}  # fmt: skip
    for task, related, kind, _ in keys:
        if kind in mirror:
            assert (related, task, mirror[kind], "") in keys, (task, related, kind)


def test_tasks_list_their_current_relationships(full: Sync) -> None:
    by_task: dict[str, set[str]] = {}
    for task, related, kind, field_id in expected_relationships(full.export):
        if kind != "subtask":
            key = f"{kind}:{related}" + (f":{field_id}" if field_id else "")
            by_task.setdefault(task, set()).add(key)
    for task in full.run.records("tasks"):
        assert set(task["relationship_keys"]) == by_task.get(task["id"], set()), task["id"]
        assert len(task["relationship_keys"]) == len(set(task["relationship_keys"]))


def test_no_duplicate_keys_in_any_stream(full: Sync) -> None:
    schemas = {m["stream"]: m for m in full.run.messages if m["type"] == "SCHEMA"}
    assert {"task_relationships", "task_status_history", "comments", "task_templates"} <= set(
        schemas
    )
    for stream, message in schemas.items():
        keys = message["key_properties"]
        assert keys, stream
        rows = [tuple(r[k] for k in keys) for r in full.run.records(stream)]
        duplicates = [k for k, n in Counter(rows).items() if n > 1]
        assert duplicates == [], stream


def _check_status_history(sync: Sync, task_ids: set[str]) -> None:
    got = {(r["task_id"], r["status"]): r for r in sync.run.records("task_status_history")}
    assert {k[0] for k in got} == task_ids
    tasks = {t["id"]: t for t in sync.export["tasks"]}
    elapsed_minutes = sync.seconds / 60 + 1
    for task_id in task_ids:
        expected = tasks[task_id]["time_in_status"]
        assert {s for t, s in got if t == task_id} == {e["status"] for e in expected}
        for e in expected:
            row = got[(task_id, e["status"])]
            assert row["team_id"] == tasks[task_id]["team_id"]
            assert (row["orderindex"], row["type"], row["color"]) == (
                e["orderindex"], e["type"], e["color"]
            )  # fmt: skip
            assert row["since"] == _iso(e["since_ms"])
            assert row["is_current"] is e["is_current"]
            assert row["current_since"] == _iso(e["current_since_ms"])
            if e["is_current"]:  # grows with the clock between the run and the export
                assert 0 <= e["total_minutes"] - row["total_minutes"] <= elapsed_minutes
            else:
                assert row["total_minutes"] == e["total_minutes"]


def test_status_history_matches_ground_truth(full: Sync) -> None:
    _check_status_history(full, {t["id"] for t in full.export["tasks"]})
    schema = full.run.schema("task_status_history")
    assert schema["properties"]["total_minutes"]["x-extras-volatile"] is True


def test_status_history_only_for_changed_tasks(incremental: Sync) -> None:
    changed = incremental.changed
    _check_status_history(incremental, changed)
    assert 0 < incremental.requests[BULK] <= math.ceil(len(changed) / 100)
    closed = [r for r in incremental.run.records("task_status_history") if r["is_current"]]
    assert closed


def test_comments_match_ground_truth(full: Sync) -> None:
    got = {c["id"]: c for c in full.run.records("comments")}
    expected = full.export["comments"]
    assert set(got) == {c["id"] for c in expected}
    for e in expected:
        c = got[e["id"]]
        assert (c["task_id"], c["team_id"], c["comment_text"]) == (
            e["task_id"], e["team_id"], e["text"]
        )  # fmt: skip
        assert (c["user_id"], c["assignee_id"], c["assigned_by_id"]) == (
            e["user_id"], e["assignee_id"], e["assigned_by_id"]
        )  # fmt: skip
        assert c["date"] == _iso(e["date_ms"])
        assert c["resolved"] is e["resolved"] and c["reply_count"] == e["reply_count"]
    per_task = Counter(c["task_id"] for c in expected)
    assert max(per_task.values()) > 25, "some task needs a second page"
    pages = sum(n // 25 + 1 for n in per_task.values()) + (
        len(full.export["tasks"]) - len(per_task)
    )
    assert full.requests[COMMENTS] == pages


def test_comments_for_changed_tasks_and_tasks_with_open_assigned_comments(
    full: Sync, incremental: Sync
) -> None:
    """Changed tasks, plus (comments_recheck_max_tasks, default 50) the unchanged tasks whose
    comments held an open assigned one when last read: the full sync's state lists them."""
    open_tasks = {
        c["task_id"]
        for c in full.export["comments"]
        if c["assignee_id"] is not None and not c["resolved"]
    }
    assert 0 < len(open_tasks) <= 50
    assert set(full.run.last_state()["bookmarks"]["comments"]["open_assigned_tasks"]) == open_tasks
    read = incremental.changed | open_tasks
    per_task = Counter(c["task_id"] for c in incremental.export["comments"])
    expected = [c for c in incremental.export["comments"] if c["task_id"] in read]
    assert {c["id"] for c in incremental.run.records("comments")} == {c["id"] for c in expected}
    assert incremental.requests[COMMENTS] == sum(per_task[t] // 25 + 1 for t in read)


def test_templates_match_ground_truth(full: Sync) -> None:
    got = sorted(full.run.records("task_templates"), key=lambda t: t["id"])
    expected = sorted(full.export["task_templates"], key=lambda t: t["id"])
    assert got == expected and got


def test_list_fields_read_only_for_never_seen_lists(full: Sync, incremental: Sync) -> None:
    used = {t["list_id"] for t in full.export["tasks"]}
    never_seen = [lst for lst in full.export["lists"] if lst["id"] not in used]
    assert never_seen
    assert full.requests[LIST_FIELDS] == len(never_seen)
    state = full.run.last_state()["bookmarks"]["custom_fields"]
    assert set(state["covered_list_ids"]) == {lst["id"] for lst in full.export["lists"]}
    assert LIST_FIELDS not in incremental.requests
    assert "covered_list_ids" in incremental.run.last_state()["bookmarks"]["custom_fields"]


def test_hash_pii_covers_every_email(sandbox: str, tmp_path: Path) -> None:
    salt = "pepper"
    run = run_tap(
        tmp_path, _config(sandbox, hash_pii=True, pii_salt=salt), select={"comments": True}
    )
    assert run.returncode == 0, run.stderr[-3000:]
    streams = {m["stream"] for m in run.messages if m["type"] == "RECORD"}
    assert {"members", "time_entries", "task_custom_field_values", "comments"} <= streams
    leaks = [
        (m["stream"], found)
        for m in run.messages
        if m["type"] == "RECORD"
        for found in EMAIL.findall(json.dumps(m["record"], ensure_ascii=False))
    ]
    assert leaks == []
    export = control(sandbox, "GET", "/export")
    hashed = {hashlib.sha256((salt + m["email"].lower()).encode()).hexdigest() for m in export["members"]}  # fmt: skip
    assert {m["email"] for m in run.records("members")} <= hashed
    assert {e["user_email"] for e in run.records("time_entries")} <= hashed
    values = [v for v in run.records("task_custom_field_values") if v["has_value"]]
    emails = [v for v in values if v["field_type"] == "email"]
    assert emails and all(len(v["value_text"]) == 64 for v in emails)
    users = [u for v in values if v["field_type"] == "users" for u in v["value_json"]]
    assert users and {u["email"] for u in users} <= hashed


def test_workspace_without_time_in_status_warns_once(tmp_path: Path) -> None:
    args = ("--tasks", "120", "--members", "4", "--months", "1", "--workspaces", "2",
            "--rate-limit", "100000", "--no-time-in-status", "9000001")  # fmt: skip
    with running_sandbox(*args) as url:
        run = run_tap(tmp_path, _config(url))
        assert run.returncode == 0, run.stderr[-3000:]
        requests = control(url, "GET", "/stats")["by_endpoint"]
        export = control(url, "GET", "/export")
    warnings = [line for line in run.stderr.splitlines() if "Time in Status ClickApp" in line]
    assert len(warnings) == 1 and "9000001" in warnings[0]
    rows = run.records("task_status_history")
    assert {r["team_id"] for r in rows} == {"9000002"}
    assert {r["task_id"] for r in rows} == {
        t["id"] for t in export["tasks"] if t["team_id"] == "9000002"
    }
    passes = Counter(t["archived"] for t in export["tasks"] if t["team_id"] == "9000002")
    batches = sum(math.ceil(n / 100) for n in passes.values())
    assert requests[BULK] == 1 + batches  # one refusal, then only 9000002's batches
    assert len(run.records("tasks")) == len(export["tasks"])
