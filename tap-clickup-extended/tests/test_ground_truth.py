"""The workspace, hierarchy, task and field-definition streams equal the sandbox's ground truth.

Field by field, not just ids: a mapping mistake (a folder id taken from the hidden folder of a
folderless list, a priority read as its id, a date off by the time zone) fails here.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest

from orchestrate.sandbox_runner import running_sandbox

from .tap_testkit import TapRun, run_tap


@pytest.fixture(scope="module")
def synced(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[TapRun, dict]]:
    """A full sync of a 2-workspace sandbox and the export taken right after it."""
    args = ["--tasks", "180", "--members", "6", "--months", "2", "--workspaces", "2"]
    with running_sandbox(*args, "--seed", "23", "--rate-limit", "100000") as box:
        config = {"api_token": "pk_sandbox", "base_url": box.api_url, "max_retries": 2}
        run = run_tap(tmp_path_factory.mktemp("truth"), config, timeout=600)
        assert run.returncode == 0, run.stderr[-3000:]
        yield run, box.export()


def _iso(ms: int | None) -> str | None:
    if ms is None:
        return None
    return datetime.fromtimestamp(ms / 1000, UTC).isoformat(timespec="microseconds")


def _by(rows: list[dict], *keys: str) -> dict[Any, dict]:
    out = {tuple(str(row[k]) for k in keys): row for row in rows}
    assert len(out) == len(rows), "duplicate keys"
    return out


def _compare(emitted: dict[Any, dict], expected: dict[Any, dict]) -> list[Any]:
    assert set(emitted) == set(expected)
    return [
        (key, name, emitted[key].get(name), value)
        for key, truth in expected.items()
        for name, value in truth.items()
        if emitted[key].get(name) != value
    ]


def test_workspaces_and_members(synced: tuple[TapRun, dict]) -> None:
    run, export = synced
    workspaces = _by(run.records("workspaces"), "id")
    expected = {(w["id"],): {"id": w["id"], "name": w["name"], "color": w["color"]} for w in export["workspaces"]}  # fmt: skip
    assert _compare(workspaces, expected) == []
    members = _by(run.records("members"), "team_id", "user_id")
    expected = {
        (m["team_id"], str(m["user_id"])): {
            "username": m["username"],
            "email": m["email"],
            "role": m["role"],
        }
        for m in export["members"]
    }
    assert _compare(members, expected) == []


def test_hierarchy(synced: tuple[TapRun, dict]) -> None:
    run, export = synced
    spaces = _by(run.records("spaces"), "id")
    expected = {
        (s["id"],): {k: s[k] for k in ("team_id", "name", "archived", "private")}
        for s in export["spaces"]
    }
    assert _compare(spaces, expected) == []
    folders = _by(run.records("folders"), "id")
    expected = {
        (f["id"],): {k: f[k] for k in ("space_id", "name", "archived", "hidden")}
        for f in export["folders"]
    }
    assert _compare(folders, expected) == []
    lists = _by(run.records("lists"), "id")
    expected = {
        (lst["id"],): {
            "space_id": lst["space_id"],
            "folder_id": lst["folder_id"],
            "folderless": lst["folder_id"] is None,
            "name": lst["name"],
            "archived": lst["archived"],
        }
        for lst in export["lists"]
    }
    assert _compare(lists, expected) == []
    assert any(lst["archived"] for lst in export["lists"])
    assert any(lst["folder_id"] is None for lst in export["lists"])


def _number(value: Any) -> Any:
    return None if value is None else Decimal(str(value))


def test_tasks_field_by_field(synced: tuple[TapRun, dict]) -> None:
    run, export = synced
    tasks = _by(run.records("tasks"), "id")
    for task in tasks.values():
        task["points"] = _number(task["points"])
    expected = {
        (t["id"],): {
            "custom_id": t["custom_id"],
            "team_id": t["team_id"],
            "name": t["name"],
            "status": t["status"],
            "status_type": t["status_type"],
            "archived": t["archived"],
            "parent": t["parent"],
            "list_id": t["list_id"],
            "folder_id": t["folder_id"],
            "space_id": t["space_id"],
            "creator_id": t["creator_id"],
            "assignee_ids": t["assignee_ids"],
            "tags": t["tags"],
            "priority": t["priority"],
            "points": _number(t["points"]),
            "time_estimate_ms": t["time_estimate_ms"],
            "date_created": _iso(t["date_created_ms"]),
            "date_updated": _iso(t["date_updated_ms"]),
            "date_closed": _iso(t["date_closed_ms"]),
            "date_done": _iso(t["date_done_ms"]),
            "due_date": _iso(t["due_date_ms"]),
            "start_date": _iso(t["start_date_ms"]),
            "custom_field_ids": t["field_ids"],
        }
        for t in export["tasks"]
    }
    assert _compare(tasks, expected) == []
    assert {t["archived"] for t in export["tasks"]} == {True, False}
    assert any(t["parent"] for t in export["tasks"])
    assert {t["status_type"] for t in export["tasks"]} >= {"open", "closed"}


def test_custom_field_definitions(synced: tuple[TapRun, dict]) -> None:
    run, export = synced
    fields = _by(run.records("custom_fields"), "id")
    on_tasks = {fid for t in export["tasks"] for fid in t["field_ids"]}
    expected = {
        (f["id"],): {k: f[k] for k in ("team_id", "name", "type", "type_config")}
        for f in export["custom_fields"]
        if f["id"] in on_tasks
    }
    emitted_on_tasks = {key: row for key, row in fields.items() if key[0] in on_tasks}
    assert _compare(emitted_on_tasks, expected) == []
    for field in fields.values():
        options = field["type_config"].get("options") or []
        assert [o["id"] for o in field["options"]] == [o["id"] for o in options]


def test_every_stream_has_unique_keys(synced: tuple[TapRun, dict]) -> None:
    run, _ = synced
    schemas = {m["stream"]: m for m in run.messages if m["type"] == "SCHEMA"}
    for stream, message in schemas.items():
        keys = message["key_properties"]
        rows = run.records(stream)
        seen = {tuple(str(row[k]) for k in keys) for row in rows}
        assert len(seen) == len(rows), stream
