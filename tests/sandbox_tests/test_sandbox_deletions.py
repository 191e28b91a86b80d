"""The sandbox deletes tasks, Lists, Folders and Spaces as ClickUp does (docs/clickup-api.md §10):
gone from every endpoint, ``GET /task/{id}`` answers ClickUp's 404 body, the other side of a
relationship changes, and a signed ``taskDeleted`` delivery goes out."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterator
from typing import Any

import pytest

from tests.sandbox_tests.client import Api, start
from tests.sandbox_tests.recorder import Recorder

FAST = {"retry_delay_seconds": 0.05, "timeout_seconds": 2.0}


@pytest.fixture
def hooks() -> Iterator[tuple[Api, Recorder]]:
    server = start(tasks=150, members=12)
    recorder = Recorder().start()
    api = Api(server)
    api.control("POST", "/webhooks/config", FAST)
    yield api, recorder
    server.stop()
    recorder.stop()


def team_tasks(api: Api, team_id: str) -> set[str]:
    """Every task id the team endpoint lists (live and archived, subtasks and closed)."""
    ids: set[str] = set()
    for archived in ("false", "true"):
        page = 0
        while True:
            body = api.ok(
                f"/team/{team_id}/task",
                {"page": page, "subtasks": "true", "include_closed": "true", "archived": archived},
            )
            ids |= {t["id"] for t in body["tasks"]}
            if body.get("last_page", len(body["tasks"]) < 100):
                break
            page += 1
    return ids


def related_ids(task: dict[str, Any]) -> set[str]:
    deps = {d["task_id"] for d in task.get("dependencies") or []}
    deps |= {d["depends_on"] for d in task.get("dependencies") or []}
    links = task.get("linked_tasks") or []
    return deps | {lk["task_id"] for lk in links} | {lk["link_id"] for lk in links}


def test_a_deleted_task_is_gone_everywhere_and_fires_a_signed_task_deleted(
    hooks: tuple[Api, Recorder],
) -> None:
    api, recorder = hooks
    team_id = api.ok("/team")["teams"][0]["id"]
    response = api.session.post(
        f"{api.url}/team/{team_id}/webhook", json={"endpoint": recorder.url, "events": ["*"]}
    )
    hook = response.json()["webhook"]
    api.control("POST", "/webhook_events/wait", {"timeout_seconds": 30})
    recorder.hits.clear()

    applied = api.control("POST", "/mutate", {"count": 1, "seed": 1, "kinds": ["delete_task"]})
    change = applied["applied"][0]
    deleted = change["deleted_task_ids"]
    assert change["task_id"] in deleted

    missing = api.get(f"/task/{change['task_id']}")
    assert missing.status_code == 404
    assert missing.json() == {"err": "Task not found, deleted", "ECODE": "ITEM_013"}
    assert api.get(f"/task/{change['task_id']}/comment").status_code == 404
    assert not set(deleted) & team_tasks(api, team_id)
    after = api.control("GET", "/export")
    assert not set(deleted) & {t["id"] for t in after["tasks"]}
    assert set(deleted) <= set(after["deleted"]["tasks"])
    assert not {e.get("task_id") for e in after["time_entries"]} & set(deleted)

    waited = api.control("POST", "/webhook_events/wait", {"timeout_seconds": 30})
    assert waited["idle"], waited
    deletions = [hit for hit in recorder.hits if hit.json["event"] == "taskDeleted"]
    assert sorted(hit.json["task_id"] for hit in deletions) == sorted(deleted)
    for hit in deletions:
        assert hit.json == {"event": "taskDeleted", "task_id": hit.json["task_id"],
                            "webhook_id": hook["id"]}  # fmt: skip
        expected = hmac.new(hook["secret"].encode(), hit.body, hashlib.sha256).hexdigest()
        assert hit.signature == expected


def test_relationships_of_a_deleted_task_leave_the_other_side(fresh: Api) -> None:
    for kind in ("add_dependency", "add_link"):
        fresh.control("POST", "/mutate", {"count": 60, "seed": 9, "kinds": [kind]})
    before = {t["id"]: t for t in fresh.control("GET", "/export")["tasks"]}
    result = fresh.control("POST", "/mutate", {"count": 5, "seed": 4, "kinds": ["delete_task"]})
    deleted = {tid for change in result["applied"] for tid in change["deleted_task_ids"]}
    neighbours = {
        tid for tid, task in before.items() if tid not in deleted and related_ids(task) & deleted
    }
    assert neighbours, "no deleted task had a relationship: pick other seeds"
    for tid in neighbours:
        task = fresh.ok(f"/task/{tid}")
        assert not related_ids(task) & deleted
        assert int(task["date_updated"]) > before[tid]["date_updated_ms"]


@pytest.mark.parametrize("kind", ["delete_list", "delete_folder", "delete_space"])
def test_deleting_a_container_deletes_its_tasks(fresh: Api, kind: str) -> None:
    team_id = fresh.ok("/team")["teams"][0]["id"]
    before = fresh.control("GET", "/export")
    result = fresh.control("POST", "/mutate", {"count": 1, "seed": 2, "kinds": [kind]})
    change = result["applied"][0]
    deleted = set(change["deleted_task_ids"])
    assert deleted
    remaining = team_tasks(fresh, team_id)
    assert not deleted & remaining
    after = fresh.control("GET", "/export")
    assert {t["id"] for t in before["tasks"]} - {t["id"] for t in after["tasks"]} == deleted
    gone = {
        "delete_list": ("lists", "list_id"),
        "delete_folder": ("folders", "folder_id"),
        "delete_space": ("spaces", "space_id"),
    }[kind]
    assert change[gone[1]] not in {item["id"] for item in after[gone[0]]}
    assert fresh.get(f"/task/{next(iter(deleted))}").status_code == 404
