"""Every endpoint the sandbox serves answers JSON that fits ClickUp's OpenAPI 200 schema."""

from __future__ import annotations

from typing import Any

import pytest

from tests.sandbox_tests.client import Api
from tests.sandbox_tests.schemas import validate


def first_task_with(truth: dict[str, Any], pred: Any) -> dict[str, Any]:
    return next(t for t in truth["tasks"] if pred(t))


def test_team_and_user(api: Api) -> None:
    validate("getauthorizedteams.json", api.ok("/team"))
    validate("getauthorizeduser.json", api.ok("/user"))


def test_hierarchy(api: Api, team_id: str, truth: dict[str, Any]) -> None:
    for archived in ("false", "true"):
        spaces = api.ok(f"/team/{team_id}/space", {"archived": archived})
        validate("getspaces.json", spaces)
        assert spaces["spaces"]
    for space in truth["spaces"]:
        validate("getspace.json", api.ok(f"/space/{space['id']}"))
        validate("getspaceavailablefields.json", api.ok(f"/space/{space['id']}/field"))
        for archived in ("false", "true"):
            validate(
                "getfolders.json", api.ok(f"/space/{space['id']}/folder", {"archived": archived})
            )
            validate(
                "getfolderlesslists.json",
                api.ok(f"/space/{space['id']}/list", {"archived": archived}),
            )
    for folder in truth["folders"]:
        validate("getfolder.json", api.ok(f"/folder/{folder['id']}"))
        validate("getlists.json", api.ok(f"/folder/{folder['id']}/list"))
        validate("getlists.json", api.ok(f"/folder/{folder['id']}/list", {"archived": "true"}))
        validate("getfolderavailablefields.json", api.ok(f"/folder/{folder['id']}/field"))
    for lst in truth["lists"]:
        validate("getlist.json", api.ok(f"/list/{lst['id']}"))
        validate("getaccessiblecustomfields.json", api.ok(f"/list/{lst['id']}/field"))
    validate("getteamavailablefields.json", api.ok(f"/team/{team_id}/field"))


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"subtasks": "true", "include_closed": "true", "page": "1"},
        {"archived": "true", "include_closed": "true", "subtasks": "true"},
        {"include_markdown_description": "true", "order_by": "updated", "reverse": "true"},
    ],
)
def test_team_tasks(api: Api, team_id: str, params: dict[str, str]) -> None:
    body = api.ok(f"/team/{team_id}/task", params)
    assert body["tasks"]
    validate("getfilteredteamtasks.json", body)


def test_list_tasks_and_task(api: Api, truth: dict[str, Any]) -> None:
    for lst in truth["lists"]:
        body = api.ok(
            f"/list/{lst['id']}/task",
            {
                "subtasks": "true",
                "include_closed": "true",
                "archived": str(lst["archived"]).lower(),
            },
        )
        validate("gettasks.json", body)
    parent = first_task_with(truth, lambda t: t["parent"] is not None)["parent"]
    for task in [*truth["tasks"][:40], {"id": parent}]:
        validate("gettask.json", api.ok(f"/task/{task['id']}", {"include_subtasks": "true"}))


def test_time_entries(api: Api, team_id: str, truth: dict[str, Any]) -> None:
    everyone = ",".join(str(m["user_id"]) for m in truth["members"])
    body = api.ok(
        f"/team/{team_id}/time_entries",
        {"assignee": everyone, "include_task_tags": "true", "include_location_names": "true",
         "start_date": 0, "end_date": truth["now_ms"]},
    )  # fmt: skip
    assert any("task" not in e for e in body["data"]), "expected entries without a task"
    validate("gettimeentrieswithinadaterange.json", body)
    validate("gettimeentrieswithinadaterange.json", api.ok(f"/team/{team_id}/time_entries"))
    running = api.ok(f"/team/{team_id}/time_entries/current")
    validate("getrunningtimeentry.json", running)
    for entry in [*body["data"][:30], running["data"]]:
        single = api.ok(
            f"/team/{team_id}/time_entries/{entry['id']}",
            {"include_task_tags": "true", "include_location_names": "true"},
        )
        validate("getsingulartimeentry.json", single)


def test_status_comments_templates(api: Api, team_id: str, truth: dict[str, Any]) -> None:
    ids = [t["id"] for t in truth["tasks"][:100]]
    validate(
        "getbulktaskstimeinstatus.json",
        api.ok("/task/bulk_time_in_status/task_ids", {"task_ids": ids}),
    )
    validate("gettaskstimeinstatus.json", api.ok(f"/task/{ids[0]}/time_in_status"))
    seen_assigned = False
    for task in truth["tasks"]:
        body = api.ok(f"/task/{task['id']}/comment")
        validate("gettaskcomments.json", body)
        seen_assigned |= any(c["assignee"] for c in body["comments"])
    assert seen_assigned
    validate("gettasktemplates.json", api.ok(f"/team/{team_id}/taskTemplate", {"page": 0}))


def test_webhooks(fresh: Api) -> None:
    team_id = fresh.ok("/team")["teams"][0]["id"]
    created = fresh.session.post(
        f"{fresh.url}/team/{team_id}/webhook",
        json={"endpoint": "https://example.com/hook", "events": ["*"], "space_id": 123},
    )
    assert created.status_code == 200, created.text
    validate("createwebhook.json", created.json())
    assert created.json()["webhook"]["secret"]
    listed = fresh.ok(f"/team/{team_id}/webhook")
    validate("getwebhooks.json", listed)
    assert [w["id"] for w in listed["webhooks"]] == [created.json()["id"]]
    deleted = fresh.session.delete(f"{fresh.url}/webhook/{created.json()['id']}")
    assert deleted.status_code == 200
    validate("deletewebhook.json", deleted.json())
    assert fresh.ok(f"/team/{team_id}/webhook")["webhooks"] == []
