"""ClickUp behaviour the tap must cope with: auth, paging, filters, custom-field values, time."""

from __future__ import annotations

from typing import Any

import requests
from clickup_sandbox.server import SandboxServer

from tests.sandbox_tests.client import OTHER_TOKEN, Api

DAY = 86_400_000


def all_team_tasks(api: Api, team_id: str, **params: Any) -> list[dict[str, Any]]:
    tasks, page = [], 0
    while True:
        body = api.ok(f"/team/{team_id}/task", {**params, "page": page})
        tasks.extend(body["tasks"])
        if body["last_page"]:
            return tasks
        page += 1


def test_auth(sandbox: SandboxServer) -> None:
    url = sandbox.url + "/team"
    missing = requests.get(url, timeout=10)
    assert missing.status_code == 401
    assert missing.json() == {"err": "Authorization header required", "ECODE": "OAUTH_017"}
    bad = requests.get(url, headers={"Authorization": "pk_nope"}, timeout=10)
    assert (bad.status_code, bad.json()) == (401, {"err": "Token invalid", "ECODE": "OAUTH_025"})
    for header in ("pk_sandbox", "Bearer pk_sandbox", OTHER_TOKEN):
        assert requests.get(url, headers={"Authorization": header}, timeout=10).status_code == 200


def test_unknowns(api: Api) -> None:
    team = api.get("/team/123/task")
    assert team.status_code == 401
    assert team.json() == {"err": "Team not authorized", "ECODE": "OAUTH_027"}
    for path in ("/task/nope", "/list/1/task", "/list/1"):
        response = api.get(path)
        assert response.status_code == 404 and {"err", "ECODE"} <= response.json().keys()
    route = api.get("/no/such/route")
    assert (route.status_code, route.json()) == (
        404,
        {"err": "Route not found", "ECODE": "APP_001"},
    )


def test_ids_and_dates_are_strings(api: Api, team_id: str) -> None:
    task = api.ok(f"/team/{team_id}/task")["tasks"][0]
    assert isinstance(task["id"], str) and isinstance(task["team_id"], str)
    assert isinstance(task["date_updated"], str) and task["date_updated"].isdigit()
    assert isinstance(task["creator"]["id"], int)
    assert isinstance(task["list"]["id"], str) and isinstance(task["space"]["id"], str)


def test_paging_and_order(api: Api, team_id: str, truth: dict[str, Any]) -> None:
    tasks = all_team_tasks(api, team_id, include_closed="true", subtasks="true")
    expected = [t for t in truth["tasks"] if not t["archived"]]
    assert len(tasks) == len(expected) == len({t["id"] for t in tasks})
    created = [int(t["date_created"]) for t in tasks]
    assert created == sorted(created, reverse=True), "default order is newest first"
    body = api.ok(f"/team/{team_id}/task", {"order_by": "updated", "reverse": "true"})
    updated = [int(t["date_updated"]) for t in body["tasks"]]
    assert updated == sorted(updated), "reverse=true is oldest first"
    beyond = api.ok(f"/team/{team_id}/task", {"page": 99})
    assert beyond == {"tasks": [], "last_page": True}
    assert api.get(f"/team/{team_id}/task", {"order_by": "bogus"}).status_code == 400


def test_date_updated_gt_is_inclusive(api: Api, team_id: str) -> None:
    params = {"include_closed": "true", "subtasks": "true", "order_by": "updated"}
    newest = api.ok(f"/team/{team_id}/task", params)["tasks"][0]
    bookmark = int(newest["date_updated"])
    again = api.ok(f"/team/{team_id}/task", {**params, "date_updated_gt": bookmark})["tasks"]
    assert [t["id"] for t in again] == [newest["id"]]
    upto = api.ok(f"/team/{team_id}/task", {**params, "date_updated_lt": bookmark})["tasks"]
    assert newest["id"] in [t["id"] for t in upto]


def test_archived_closed_subtasks(api: Api, team_id: str, truth: dict[str, Any]) -> None:
    default = all_team_tasks(api, team_id)
    assert all(not t["archived"] and t["status"]["type"] != "closed" for t in default)
    assert all(t["parent"] is None for t in default)
    archived = all_team_tasks(api, team_id, archived="true", include_closed="true", subtasks="true")
    assert archived and all(t["archived"] for t in archived)
    assert len(archived) == sum(t["archived"] for t in truth["tasks"])
    subtasks = [
        t
        for t in all_team_tasks(api, team_id, subtasks="true", include_closed="true")
        if t["parent"]
    ]
    assert subtasks
    by_id = {t["id"]: t for t in truth["tasks"]}
    nested = [t for t in subtasks if by_id[t["parent"]]["parent"] is not None]
    assert nested, "some subtasks are nested two levels"
    for t in nested:
        assert t["top_level_parent"] == by_id[t["parent"]]["parent"]
    parent = subtasks[0]["parent"]
    children = api.ok(f"/team/{team_id}/task", {"parent": parent, "include_closed": "true"})
    assert {t["id"] for t in children["tasks"]} == {
        t["id"] for t in truth["tasks"] if t["parent"] == parent and not t["archived"]
    }


def test_filters(api: Api, team_id: str, truth: dict[str, Any]) -> None:
    lst = next(x for x in truth["lists"] if not x["archived"])
    tasks = all_team_tasks(api, team_id, **{"list_ids[]": lst["id"], "include_closed": "true"})
    assert tasks and all(t["list"]["id"] == lst["id"] for t in tasks)
    listed = api.ok(f"/list/{lst['id']}/task", {"include_closed": "true"})
    assert {t["id"] for t in listed["tasks"]} == {t["id"] for t in tasks}
    drop = next(f for f in truth["custom_fields"] if f["type"] == "drop_down")
    flt = f'[{{"field_id":"{drop["id"]}","operator":"IS NULL"}}]'
    unset = all_team_tasks(api, team_id, custom_fields=flt, include_closed="true")
    assert unset and all(
        "value" not in f for t in unset for f in t["custom_fields"] if f["id"] == drop["id"]
    )
    bad = api.get(f"/team/{team_id}/task", {"custom_fields": flt.replace("IS NULL", "RANGE")})
    assert bad.status_code == 400 and "not supported" in bad.json()["err"]


def test_custom_field_values_on_the_wire(api: Api, team_id: str, truth: dict[str, Any]) -> None:
    fields = {f["id"]: f for f in truth["custom_fields"]}
    assert {f["type"] for f in fields.values()} >= {
        "drop_down", "labels", "users", "tasks", "number", "currency", "date", "checkbox",
        "emoji", "location", "manual_progress", "automatic_progress", "formula", "text",
        "short_text", "url", "email", "phone",
    }  # fmt: skip
    assert any("🔥" in f["name"] for f in fields.values())
    expected = {t["id"]: t for t in truth["tasks"]}
    seen_unset = seen_string_number = False
    for task in all_team_tasks(api, team_id, include_closed="true", subtasks="true"):
        canon = expected[task["id"]]
        assert [f["id"] for f in task["custom_fields"]] == canon["field_ids"]
        for f in task["custom_fields"]:
            value = canon["custom_field_values"].get(f["id"])
            if value is None:
                assert "value" not in f, "unset fields carry no value key"
                seen_unset = True
            elif f["type"] == "drop_down":
                option = next(o for o in f["type_config"]["options"] if o["id"] == value)
                assert f["value"] == option["orderindex"] and isinstance(f["value"], int)
            elif f["type"] in ("number", "currency"):
                seen_string_number |= isinstance(f["value"], str)
                assert float(f["value"]) == value
            elif f["type"] == "users":
                assert [u["id"] for u in f["value"]] == value
            elif f["type"] == "date":
                assert f["value"] == str(value)
    assert seen_unset and seen_string_number
    assert any(len(v) > 1 for t in truth["tasks"] for fid, v in t["custom_field_values"].items()
               if fields[fid]["type"] == "labels")  # fmt: skip
    field_sets = {tuple(t["field_ids"]) for t in truth["tasks"]}
    assert len(field_sets) > 3, "different lists expose different fields"


def test_dependencies_appear_on_both_tasks(api: Api, truth: dict[str, Any]) -> None:
    task = next(t for t in truth["tasks"] if t["dependencies"])
    dep = task["dependencies"][0]
    for tid in (dep["task_id"], dep["depends_on"]):
        body = api.ok(f"/task/{tid}")
        assert any(
            d["task_id"] == dep["task_id"] and d["depends_on"] == dep["depends_on"]
            for d in body["dependencies"]
        )
    assert any(t["linked_tasks"] for t in truth["tasks"])


def test_time_entries(api: Api, team_id: str, truth: dict[str, Any]) -> None:
    now, owner = truth["now_ms"], truth["members"][0]["user_id"]
    mine = api.ok(f"/team/{team_id}/time_entries")["data"]
    assert mine and all(e["user"]["id"] == owner for e in mine)
    assert all(int(e["start"]) >= now - 31 * DAY for e in mine)
    running = [e for e in mine if "end" not in e]
    assert running and int(running[0]["duration"]) < 0
    assert all(isinstance(e["id"], str) and int(e["id"]) > 2**53 for e in mine)
    assert all(isinstance(e["duration"], str) for e in mine)
    others = [m["user_id"] for m in truth["members"][1:4]]
    start, end = now - 90 * DAY, now - 60 * DAY
    window = api.ok(
        f"/team/{team_id}/time_entries",
        {"assignee": ",".join(map(str, others)), "start_date": start, "end_date": end},
    )["data"]
    expected = {
        e["id"]
        for e in truth["time_entries"]
        if e["user_id"] in others and start <= e["start_ms"] <= end
    }
    assert {e["id"] for e in window} == expected and expected
    current = api.ok(f"/team/{team_id}/time_entries/current")["data"]
    assert isinstance(current["duration"], int) and current["duration"] < 0
    assert "end" not in current
    both = api.get(f"/team/{team_id}/time_entries", {"space_id": "1", "list_id": "2"})
    assert both.status_code == 400


def test_comments_paging(api: Api, truth: dict[str, Any]) -> None:
    busy = max(truth["tasks"], key=lambda t: len(api.ok(f"/task/{t['id']}/comment")["comments"]))
    first = api.ok(f"/task/{busy['id']}/comment")["comments"]
    assert len(first) == 25
    last = first[-1]
    older = api.ok(f"/task/{busy['id']}/comment", {"start": last["date"], "start_id": last["id"]})
    assert older["comments"] and not {c["id"] for c in older["comments"]} & {c["id"] for c in first}
    dates = [int(c["date"]) for c in first + older["comments"]]
    assert dates == sorted(dates, reverse=True)


def test_bulk_time_in_status_limit(api: Api, truth: dict[str, Any]) -> None:
    ids = [t["id"] for t in truth["tasks"][:101]]
    assert api.get("/task/bulk_time_in_status/task_ids", {"task_ids": ids}).status_code == 400
    body = api.ok("/task/bulk_time_in_status/task_ids", {"task_ids": ids[:3]})
    assert set(body) == set(ids[:3])
