"""Relationships, time in status, comments, templates and empty lists: API versus export."""

from __future__ import annotations

from typing import Any

from clickup_sandbox.cli import build_parser

from tests.sandbox_tests.client import Api, start
from tests.sandbox_tests.schemas import validate

BULK = "/task/bulk_time_in_status/task_ids"


def _all_comments(api: Api, task_id: str) -> list[dict[str, Any]]:
    comments: list[dict[str, Any]] = []
    params: dict[str, Any] = {}
    while True:
        page = api.ok(f"/task/{task_id}/comment", params)["comments"]
        comments.extend(page)
        if len(page) < 25:
            return comments
        params = {"start": page[-1]["date"], "start_id": page[-1]["id"]}


def test_time_in_status_matches_export(api: Api, truth: dict[str, Any]) -> None:
    tasks = truth["tasks"][:100]
    body = api.ok(BULK, {"task_ids": [t["id"] for t in tasks]})
    for task in tasks:
        got = body[task["id"]]
        expected = task["time_in_status"]
        assert [h["status"] for h in got["status_history"]] == [e["status"] for e in expected]
        for h, e in zip(got["status_history"], expected, strict=True):
            assert (h["color"], h["type"], h["orderindex"]) == (
                e["color"],
                e["type"],
                e["orderindex"],
            )
            assert int(h["total_time"]["since"]) == e["since_ms"]
            if not e["is_current"]:
                assert h["total_time"]["by_minute"] == e["total_minutes"]
        (current,) = [e for e in expected if e["is_current"]]
        assert got["current_status"]["status"] == current["status"] == task["status"]
        assert int(got["current_status"]["total_time"]["since"]) == current["current_since_ms"]
    assert any(len(t["time_in_status"]) > 2 for t in truth["tasks"])


def test_status_history_grows_with_mutations(fresh: Api) -> None:
    result = fresh.control("POST", "/mutate", {"count": 6, "seed": 3, "kinds": ["close_task", "move_task"]})  # fmt: skip
    changed = result["changed_task_ids"]
    assert changed
    body = fresh.ok(BULK, {"task_ids": changed})
    validate("getbulktaskstimeinstatus.json", body)
    truth = {t["id"]: t for t in fresh.control("GET", "/export")["tasks"]}
    closed = [a["task_id"] for a in result["applied"] if a["kind"] == "close_task"]
    for task_id in closed:
        history = truth[task_id]["time_in_status"]
        current = next(e for e in history if e["is_current"])
        assert current["type"] == "closed" and current["status"] == truth[task_id]["status"]
        assert body[task_id]["current_status"]["status"] == current["status"]


def test_workspace_without_time_in_status() -> None:
    server = start(tasks=40, members=4, workspaces=2, no_time_in_status=("9000001",))
    try:
        api = Api(server)
        truth = api.control("GET", "/export")
        enabled = {w["id"]: w["time_in_status_enabled"] for w in truth["workspaces"]}
        assert enabled == {"9000001": False, "9000002": True}
        off = [t["id"] for t in truth["tasks"] if t["team_id"] == "9000001"][:3]
        on = [t["id"] for t in truth["tasks"] if t["team_id"] == "9000002"][:3]
        for path, params in ((BULK, {"task_ids": off}), (f"/task/{off[0]}/time_in_status", {})):
            response = api.get(path, params)
            assert response.status_code == 400
            assert response.json()["ECODE"] == "TIS_001"
        validate("getbulktaskstimeinstatus.json", api.ok(BULK, {"task_ids": on}))
    finally:
        server.stop()


def test_cli_no_time_in_status_option() -> None:
    parse = build_parser().parse_args
    assert parse(["serve", "--port", "0"]).no_time_in_status is None
    assert parse(["serve", "--port", "0", "--no-time-in-status"]).no_time_in_status == []
    args = parse(["serve", "--port", "0", "--no-time-in-status", "9000002"])
    assert args.no_time_in_status == ["9000002"]


def test_comments_match_export(api: Api, truth: dict[str, Any]) -> None:
    by_task: dict[str, list[dict[str, Any]]] = {}
    for comment in truth["comments"]:
        by_task.setdefault(comment["task_id"], []).append(comment)
    busy = max(by_task, key=lambda tid: len(by_task[tid]))
    assert len(by_task[busy]) > 25
    assert any(c["resolved"] for c in truth["comments"])
    assert any(c["assignee_id"] and not c["resolved"] for c in truth["comments"])
    for task_id in [busy, *list(by_task)[:5]]:
        got = _all_comments(api, task_id)
        expected = sorted(
            by_task[task_id], key=lambda c: (c["date_ms"], int(c["id"])), reverse=True
        )
        assert [c["id"] for c in got] == [c["id"] for c in expected]
        for c, e in zip(got, expected, strict=True):
            assert c["comment_text"] == e["text"] and int(c["date"]) == e["date_ms"]
            assert c["user"]["id"] == e["user_id"] and c["resolved"] is e["resolved"]
            assert (c["assignee"] or {}).get("id") == e["assignee_id"]
            assert (c["assigned_by"] or {}).get("id") == e["assigned_by_id"]
            assert int(c["reply_count"]) == e["reply_count"]


def test_templates_match_export(api: Api, team_id: str, truth: dict[str, Any]) -> None:
    body = api.ok(f"/team/{team_id}/taskTemplate", {"page": 0})
    validate("gettasktemplates.json", body)
    expected = [{"id": t["id"], "name": t["name"]} for t in truth["task_templates"]]
    assert body["templates"] == expected and expected
    assert api.ok(f"/team/{team_id}/taskTemplate", {"page": 1}) == {"templates": []}
    assert api.get(f"/team/{team_id}/taskTemplate").status_code == 400


def test_empty_lists_expose_fields_seen_on_no_task(api: Api, truth: dict[str, Any]) -> None:
    used = {t["list_id"] for t in truth["tasks"]}
    empty = [lst for lst in truth["lists"] if lst["id"] not in used]
    assert len(empty) >= 2
    on_tasks = {fid for t in truth["tasks"] for fid in t["field_ids"]}
    only_there = set()
    for lst in empty:
        body = api.ok(f"/list/{lst['id']}/field")
        validate("getaccessiblecustomfields.json", body)
        assert [f["id"] for f in body["fields"]] == lst["field_ids"]
        only_there |= set(lst["field_ids"]) - on_tasks
    assert only_there, "an empty list has fields no task payload shows"


def test_relationships_on_the_wire(api: Api, truth: dict[str, Any]) -> None:
    fields = {f["id"]: f for f in truth["custom_fields"]}
    twice = [
        t
        for t in truth["tasks"]
        if len(
            [
                tid
                for fid, v in t["custom_field_values"].items()
                if fields[fid]["type"] == "tasks"
                for tid in v
            ]
        )
        > len({tid for fid, v in t["custom_field_values"].items() if fields[fid]["type"] == "tasks" for tid in v})
    ]  # fmt: skip
    assert twice, "a task names the same task in two relationship fields"
    dep = next(d for t in truth["tasks"] for d in t["dependencies"])
    blocked = api.ok(f"/task/{dep['depends_on']}")
    assert any(d["task_id"] == dep["task_id"] for d in blocked["dependencies"])
    assert dep["date_created_ms"] and dep["user_id"]
    link = next(lk for t in truth["tasks"] for lk in t["linked_tasks"])
    other = api.ok(f"/task/{link['link_id']}")
    assert [lk["link_id"] for lk in other["linked_tasks"] if lk["link_id"] == link["task_id"]]
