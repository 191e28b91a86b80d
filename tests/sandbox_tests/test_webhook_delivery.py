"""The sandbox's webhook deliveries: payload shape, signatures, ground truth, duplicates and
reordering, ClickUp's retry/health rules, and that sending never blocks the API."""

from __future__ import annotations

import hashlib
import hmac
import time
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest

from tests.sandbox_tests.client import Api, start
from tests.sandbox_tests.recorder import Recorder
from tests.sandbox_tests.schemas import validate

FAST = {"retry_delay_seconds": 0.05, "timeout_seconds": 2.0}
KINDS = ["set_custom_field", "clear_custom_field", "close_task", "reassign_task", "move_task",
         "rename_task", "add_time_entry", "edit_time_entry", "delete_time_entry"]  # fmt: skip


@pytest.fixture
def hooks() -> Iterator[tuple[Api, Recorder]]:
    """A private sandbox with fast retries and a recording endpoint."""
    server = start(tasks=120, members=10)
    recorder = Recorder().start()
    api = Api(server)
    api.control("POST", "/webhooks/config", FAST)
    yield api, recorder
    server.stop()
    recorder.stop()


def team_of(api: Api) -> str:
    return api.ok("/team")["teams"][0]["id"]


def register(api: Api, endpoint: str, events: list[str] | None = None, **where: str) -> dict:
    response = api.session.post(
        f"{api.url}/team/{team_of(api)}/webhook",
        json={"endpoint": endpoint, "events": events or ["*"], **where},
        timeout=10,
    )
    assert response.status_code == 200, response.text
    return response.json()["webhook"]


def settle(api: Api) -> dict[str, Any]:
    waited = api.control("POST", "/webhook_events/wait", {"timeout_seconds": 30})
    assert waited["idle"], waited
    return api.control("GET", "/webhook_events")


def health(api: Api, webhook_id: str) -> dict[str, Any]:
    listed = api.ok(f"/team/{team_of(api)}/webhook")
    validate("getwebhooks.json", listed)
    return next(w["health"] for w in listed["webhooks"] if w["id"] == webhook_id)


def test_deliveries_are_signed_shaped_and_match_the_ground_truth(
    hooks: tuple[Api, Recorder],
) -> None:
    api, recorder = hooks
    hook = register(api, recorder.url)
    api.control("POST", "/mutate", {"count": 40, "seed": 3, "kinds": KINDS})
    truth = settle(api)
    events = truth["events"]
    assert events and all(e["status"] == "delivered" and e["attempts"] == 1 for e in events)
    assert len(recorder.hits) == len(events)  # no duplicates unless asked for

    for hit in recorder.hits:
        expected = hmac.new(hook["secret"].encode(), hit.body, hashlib.sha256).hexdigest()
        assert hit.signature == expected  # lowercase hex HMAC-SHA256 of the raw body
        body = hit.json
        assert body["webhook_id"] == hook["id"] and body["task_id"] and body["event"]
        for item in body["history_items"]:
            assert set(item) >= {"id", "type", "date", "field", "parent_id", "data", "source",
                                 "user", "before", "after"}  # fmt: skip
            assert item["date"].isdigit() and isinstance(item["user"]["id"], int)

    # The ground truth names exactly what was received.
    sent = Counter((e["event"], tuple(e["history_item_ids"]), e["body_sha256"]) for e in events)
    got = Counter(
        (h.json["event"], tuple(i["id"] for i in h.json["history_items"]),
         hashlib.sha256(h.body).hexdigest())
        for h in recorder.hits
    )  # fmt: skip
    assert sent == got

    # Specific task events come again as taskUpdated with the same history item ids.
    by_items: dict[tuple, set[str]] = {}
    for e in events:
        by_items.setdefault(tuple(e["history_item_ids"]), set()).add(e["event"])
    specific = {n for names in by_items.values() for n in names} - {"taskUpdated"}
    assert {"taskStatusUpdated", "taskAssigneeUpdated", "taskTimeTrackedUpdated"} <= specific
    for names in by_items.values():
        if names != {"taskUpdated"}:
            assert "taskUpdated" in names and len(names) == 2

    # Custom-field changes: field "custom_field", the definition, drop-downs as option UUIDs.
    export = api.control("GET", "/export")
    fields = {f["id"]: f for f in export["custom_fields"]}
    items = [i for h in recorder.hits for i in h.json["history_items"]]
    custom = [i for i in items if i["field"] == "custom_field"]
    assert custom
    drop_downs = [i for i in custom if i["custom_field"]["type"] == "drop_down" and i["after"]]
    assert drop_downs, (
        "seed 3 sets at least one drop-down (re-pick the seed if the generator changes)"
    )
    for item in drop_downs:
        options = [o["id"] for o in fields[item["custom_field"]["id"]]["type_config"]["options"]]
        assert item["after"] in options
    # Every task named in an event has the final state the events describe.
    tasks = {t["id"]: t for t in export["tasks"]}
    for item in custom:
        task_id = next(h.json["task_id"] for h in recorder.hits if item in h.json["history_items"])
        later = [
            i for i in custom
            if i["custom_field"]["id"] == item["custom_field"]["id"] and i["id"] > item["id"]
            and any(i in h.json["history_items"] and h.json["task_id"] == task_id
                    for h in recorder.hits)
        ]  # fmt: skip
        if not later:
            field_id = item["custom_field"]["id"]
            if item["custom_field"]["type"] == "drop_down":
                assert tasks[task_id]["custom_field_values"].get(field_id) == item["after"]
            else:
                # every other value as the task read shows it (docs/clickup-api.md §9)
                read = api.ok(f"/task/{task_id}")["custom_fields"]
                assert (
                    next((f.get("value") for f in read if f["id"] == field_id), None)
                    == item["after"]
                )

    stats = api.control("GET", "/stats")["webhooks"]
    assert stats["succeeded"] == stats["attempts"] == len(events) and stats["pending"] == 0


def test_duplicates_and_reordering_are_deterministic_from_the_seed() -> None:
    def run() -> tuple[list[tuple], dict[str, Any], int]:
        server = start(tasks=120, members=10, webhook_duplicate_rate=0.4, webhook_reorder_rate=0.5)
        recorder = Recorder().start()
        try:
            api = Api(server)
            register(api, recorder.url)
            api.control("POST", "/mutate", {"count": 30, "seed": 11})
            truth = settle(api)
            shape = [(e["event"], e["task_id"], tuple(e["history_item_ids"]), e["copies"])
                     for e in truth["events"]]  # fmt: skip
            return shape, api.control("GET", "/stats")["webhooks"], len(recorder.hits)
        finally:
            server.stop()
            recorder.stop()

    first, stats, hits = run()
    second, stats_again, _ = run()
    assert first == second
    assert stats["duplicates"] == stats_again["duplicates"] > 0
    assert stats["reordered"] == stats_again["reordered"] > 0
    assert hits == len(first) + stats["duplicates"]  # every copy sent, none lost


def test_failures_are_retried_five_times_then_dropped_and_counted(
    hooks: tuple[Api, Recorder],
) -> None:
    api, recorder = hooks
    recorder.reply = lambda n, body: (500, 0.0)
    hook = register(api, recorder.url, events=["taskStatusUpdated"])
    api.control("POST", "/mutate", {"count": 1, "seed": 1, "kinds": ["close_task"]})
    truth = settle(api)
    [event] = truth["events"]
    assert (event["status"], event["attempts"], event["last_status"]) == ("dropped", 5, 500)
    assert len(recorder.hits) == 5 and len({h.body for h in recorder.hits}) == 1
    assert health(api, hook["id"]) == {"status": "failing", "fail_count": 1}

    recorder.reply = lambda n, body: (500 if n < 7 else 200, 0.0)  # two more failures, then ok
    api.control("POST", "/mutate", {"count": 1, "seed": 2, "kinds": ["close_task"]})
    truth = settle(api)
    assert (truth["events"][1]["status"], truth["events"][1]["attempts"]) == ("delivered", 3)
    assert health(api, hook["id"]) == {"status": "active", "fail_count": 0}
    stats = api.control("GET", "/stats")["webhooks"]
    assert (stats["retries"], stats["dropped"], stats["by_status"]) == (6, 1, {"500": 7, "200": 1})


def test_a_slow_answer_is_a_failure(hooks: tuple[Api, Recorder]) -> None:
    api, recorder = hooks
    api.control("POST", "/webhooks/config", {"timeout_seconds": 0.3, "max_tries": 2})
    recorder.reply = lambda n, body: (200, 0.6)
    hook = register(api, recorder.url, events=["taskStatusUpdated"])
    api.control("POST", "/mutate", {"count": 1, "seed": 1, "kinds": ["close_task"]})
    [event] = settle(api)["events"]
    assert (event["status"], event["attempts"]) == ("dropped", 2)
    assert health(api, hook["id"]) == {"status": "failing", "fail_count": 1}


@pytest.mark.parametrize("status", [401, 410])
def test_401_and_410_suspend_at_once_and_put_reactivates(
    hooks: tuple[Api, Recorder], status: int
) -> None:
    api, recorder = hooks
    recorder.reply = lambda n, body: (status, 0.0)
    hook = register(api, recorder.url, events=["taskStatusUpdated"])
    api.control("POST", "/mutate", {"count": 1, "seed": 1, "kinds": ["close_task"]})
    [event] = settle(api)["events"]
    assert (event["status"], event["attempts"]) == ("suspended", 1)
    assert health(api, hook["id"])["status"] == "suspended"
    api.control("POST", "/mutate", {"count": 2, "seed": 2, "kinds": ["close_task"]})
    assert len(settle(api)["events"]) == 1  # a suspended webhook gets nothing

    recorder.reply = lambda n, body: (200, 0.0)
    updated = api.session.put(
        f"{api.url}/webhook/{hook['id']}",
        json={"endpoint": recorder.url, "events": "taskStatusUpdated", "status": "active"},
        timeout=10,
    )
    assert updated.status_code == 200, updated.text
    validate("updatewebhook.json", updated.json())
    assert updated.json()["webhook"]["health"] == {"status": "active", "fail_count": 0}
    api.control("POST", "/mutate", {"count": 1, "seed": 3, "kinds": ["close_task"]})
    assert [e["status"] for e in settle(api)["events"]] == ["suspended", "delivered"]


def test_suspension_at_the_fail_count_limit(hooks: tuple[Api, Recorder]) -> None:
    api, recorder = hooks
    api.control("POST", "/webhooks/config", {"max_tries": 1, "suspend_after": 2})
    recorder.reply = lambda n, body: (503, 0.0)
    hook = register(api, recorder.url, events=["taskStatusUpdated"])
    for seed in (1, 2):
        api.control("POST", "/mutate", {"count": 1, "seed": seed, "kinds": ["close_task"]})
        settle(api)
    assert health(api, hook["id"]) == {"status": "suspended", "fail_count": 2}


def test_events_and_locations_filter_what_a_webhook_gets(hooks: tuple[Api, Recorder]) -> None:
    api, recorder = hooks
    export = api.control("GET", "/export")
    list_id = max(
        Counter(t["list_id"] for t in export["tasks"] if not t["archived"]).items(),
        key=lambda kv: kv[1],
    )[0]
    on_list = register(api, recorder.url, events=["taskUpdated"], list_id=list_id)
    moves = register(api, recorder.url + "?moves", events=["taskMoved"])
    api.control("POST", "/mutate", {"count": 150, "seed": 5})
    truth = settle(api)
    events = truth["events"]
    assert {e["event"] for e in events if e["webhook_id"] == moves["id"]} == {"taskMoved"}
    listed = [e for e in events if e["webhook_id"] == on_list["id"]]
    assert listed and {e["event"] for e in listed} == {"taskUpdated"}
    for hit in recorder.hits:
        body = hit.json
        if body["webhook_id"] == on_list["id"]:
            assert all(i["parent_id"] == list_id for i in body["history_items"])


def test_sending_never_blocks_the_api(hooks: tuple[Api, Recorder]) -> None:
    api, recorder = hooks
    recorder.reply = lambda n, body: (200, 1.0)
    register(api, recorder.url)
    started = time.monotonic()
    api.control("POST", "/mutate", {"count": 3, "seed": 4, "kinds": ["close_task"]})
    api.ok("/team")
    assert time.monotonic() - started < 1.0
    assert api.control("GET", "/webhook_events")["pending"] > 0
    settle(api)


def test_delivery_settings_are_validated(hooks: tuple[Api, Recorder]) -> None:
    api, _ = hooks
    for bad in ({"duplicate_rate": 2}, {"nope": 1}, {"max_tries": 0}, {"timeout_seconds": "x"}):
        response = api.session.post(
            api.server.base_url + "/_sandbox/webhooks/config", json=bad, timeout=10
        )
        assert response.status_code == 400, bad
    assert api.control("GET", "/webhooks/config")["max_tries"] == 5


def test_reset_forgets_deliveries(hooks: tuple[Api, Recorder]) -> None:
    api, recorder = hooks
    register(api, recorder.url)
    api.control("POST", "/mutate", {"count": 5, "seed": 4})
    settle(api)
    api.control("POST", "/reset")
    truth = api.control("GET", "/webhook_events")
    assert truth["events"] == [] and api.ok(f"/team/{team_of(api)}/webhook")["webhooks"] == []
