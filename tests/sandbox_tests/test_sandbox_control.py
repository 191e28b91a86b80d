"""Rate limits, fault injection, the control API (stats, mutate, export, reset) and the CLI."""

from __future__ import annotations

import math
import re
import signal
import subprocess
import sys
import time
from typing import Any

import pytest
import requests
from clickup_sandbox.config import SandboxConfig
from clickup_sandbox.mutate import KINDS, OPT_IN_KINDS
from clickup_sandbox.server import SandboxServer

from tests.sandbox_tests.client import OTHER_TOKEN, TOKEN, Api, start
from tests.sandbox_tests.schemas import validate

RATE_HEADERS = ("X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset")


DAY_MS = 86_400_000


def test_rate_limit_headers_and_429() -> None:
    server = start(rate_limit=5, rate_window_seconds=2)
    try:
        api = Api(server)
        responses = [api.get("/team") for _ in range(5)]
        responses += [api.get("/no/route"), requests.get(server.url + "/team", timeout=5)]
        for r in responses:
            assert all(h in r.headers for h in RATE_HEADERS), r.headers
        assert [r.status_code for r in responses[:6]] == [200] * 5 + [429]
        assert responses[5].json() == {"err": "Rate limit reached", "ECODE": "APP_002"}
        assert responses[5].headers["X-RateLimit-Remaining"] == "0"
        reset = int(responses[5].headers["X-RateLimit-Reset"])
        assert time.time() < reset <= math.ceil(time.time() + 2)
        # Every token has its own budget.
        assert Api(server, OTHER_TOKEN).get("/team").status_code == 200
        stats = api.control("GET", "/stats")
        assert stats["throttled"] == 1 and stats["by_endpoint"]["GET /team"] >= 6
        assert stats["by_token"][TOKEN] == 6
        time.sleep(max(0.0, reset - time.time()) + 0.05)
        assert api.get("/team").status_code == 200
    finally:
        server.stop()


def test_faults(fresh: Api) -> None:
    team_id = fresh.ok("/team")["teams"][0]["id"]
    path = f"/team/{team_id}/task"
    fresh.control(
        "POST",
        "/faults",
        {"rules": [
            {"path_contains": "/task", "kind": "http_503", "count": 2},
            {"path_contains": "/task", "kind": "http_429", "count": 1},
            {"path_contains": "/task", "kind": "truncate", "count": 1},
            {"path_contains": "/task", "kind": "reset", "count": 1},
            {"path_contains": "/task", "kind": "slow", "count": 1, "delay_seconds": 0.3},
        ]},
    )  # fmt: skip
    assert fresh.get("/team").status_code == 200, "non-matching paths are untouched"
    first, second = fresh.get(path), fresh.get(path)
    assert first.status_code == second.status_code == 503
    assert all(h in first.headers for h in RATE_HEADERS)
    throttled = fresh.get(path)
    assert throttled.status_code == 429 and throttled.headers["X-RateLimit-Remaining"] == "0"
    with pytest.raises(requests.exceptions.RequestException):
        fresh.get(path).json()  # truncated body
    with pytest.raises(requests.exceptions.ConnectionError):
        fresh.get(path)  # connection reset
    started = time.perf_counter()
    assert fresh.get(path).status_code == 200
    assert time.perf_counter() - started >= 0.3
    assert fresh.get(path).status_code == 200, "rules are used up"
    assert fresh.control("GET", "/stats")["faults_injected"] == 5
    fresh.control("POST", "/faults", {"rules": [{"path_contains": "", "kind": "http_500"}]})
    fresh.control("DELETE", "/faults")
    assert fresh.get(path).status_code == 200
    bad = requests.post(fresh.server.base_url + "/_sandbox/faults", json={"rules": [{}]}, timeout=5)
    assert bad.status_code == 400


def test_fault_kinds_404_truncated_json_and_429_with_a_reset(fresh: Api) -> None:
    team_id = fresh.ok("/team")["teams"][0]["id"]
    path = f"/team/{team_id}/space"
    fresh.control(
        "POST",
        "/faults",
        {"rules": [
            {"path_contains": "/space", "kind": "http_404"},
            {"path_contains": "/space", "kind": "truncate_json"},
            {"path_contains": "/space", "kind": "http_429", "reset_in_seconds": 3},
        ]},
    )  # fmt: skip
    gone = fresh.get(path)
    assert gone.status_code == 404
    assert gone.json() == {"err": "Task not found, deleted", "ECODE": "ITEM_013"}
    assert all(h in gone.headers for h in RATE_HEADERS)
    cut = fresh.get(path)
    assert cut.status_code == 200
    # A complete response (its length is what was sent) whose JSON stops halfway.
    assert int(cut.headers["Content-Length"]) == len(cut.content) > 0
    whole = fresh.get(path)  # the 429 rule is next: this is it
    assert whole.status_code == 429
    assert whole.json() == {"err": "Rate limit reached", "ECODE": "APP_002"}
    assert whole.headers["X-RateLimit-Remaining"] == "0"
    reset = int(whole.headers["X-RateLimit-Reset"])
    assert time.time() + 2 < reset <= math.ceil(time.time() + 3)
    body = fresh.get(path)
    assert body.status_code == 200
    assert cut.content == body.content[: len(body.content) // 2]
    with pytest.raises(ValueError):
        cut.json()
    for bad in (
        {"path_contains": "", "kind": "http_500", "reset_in_seconds": 1},
        {"path_contains": "", "kind": "http_429", "reset_in_seconds": -1},
    ):
        refused = requests.post(
            fresh.server.base_url + "/_sandbox/faults", json={"rules": [bad]}, timeout=5
        )
        assert refused.status_code == 400, bad


def test_request_log_records_every_answered_request(fresh: Api) -> None:
    fresh.control("DELETE", "/requests")
    team_id = fresh.ok("/team")["teams"][0]["id"]
    fresh.control("POST", "/faults", {"rules": [{"path_contains": "/space", "kind": "http_503"}]})
    before = time.time()
    fresh.get(f"/team/{team_id}/space", {"archived": "false"})
    Api(fresh.server, token="pk_wrong").get("/team")
    fresh.control("POST", "/faults", {"rules": [{"path_contains": "/folder", "kind": "reset"}]})
    with pytest.raises(requests.exceptions.ConnectionError):
        fresh.get("/space/1/folder")
    logged = fresh.control("GET", "/requests")["requests"]
    assert [(r["method"], r["path"], r["status"]) for r in logged] == [
        ("GET", "/api/v2/team", 200),
        ("GET", f"/api/v2/team/{team_id}/space", 503),
        ("GET", "/api/v2/team", 401),
        ("GET", "/api/v2/space/1/folder", None),
    ]
    assert logged[1]["query"] == {"archived": ["false"]}
    assert [r["authorization"] for r in logged] == [TOKEN, TOKEN, "pk_wrong", TOKEN]
    assert before <= logged[1]["at"] <= logged[2]["at"] <= time.time()
    # the control API itself is not logged; the Python API sees the same
    assert fresh.server.app.requests.paths("/team") == [
        "/api/v2/team",
        f"/api/v2/team/{team_id}/space",
        "/api/v2/team",
    ]
    fresh.control("DELETE", "/requests")
    assert fresh.control("GET", "/requests") == {"requests": []}
    fresh.ok("/team")
    fresh.control("POST", "/reset")
    assert fresh.control("GET", "/requests") == {"requests": []}, "a reset clears the log"


def test_mutate_bumps_date_updated_and_export(fresh: Api) -> None:
    before = fresh.control("GET", "/export")
    previous_max = max(t["date_updated_ms"] for t in before["tasks"])
    result = fresh.control("POST", "/mutate", {"count": 30, "seed": 7})
    kinds = {a["kind"] for a in result["applied"]}
    assert kinds == set(KINDS), "every kind happens at least once"
    after = fresh.control("GET", "/export")
    tasks = {t["id"]: t for t in after["tasks"]}
    bumped = sorted(tasks[tid]["date_updated_ms"] for tid in result["changed_task_ids"])
    assert bumped[0] > previous_max and len(set(bumped)) == len(bumped)
    deleted = [a["time_entry_id"] for a in result["applied"] if a["kind"] == "delete_time_entry"]
    assert set(deleted) <= set(after["deleted"]["time_entries"])
    assert not set(deleted) & {e["id"] for e in after["time_entries"]}
    team_id = after["workspaces"][0]["id"]
    for a in result["applied"]:
        if a["kind"] == "clear_custom_field":
            task = fresh.ok(f"/task/{a['task_id']}")
            field = next(f for f in task["custom_fields"] if f["id"] == a["field_id"])
            assert "value" not in field
        if a["kind"] == "move_task":
            assert tasks[a["task_id"]]["list_id"] == a["to_list_id"]
            assert fresh.ok(f"/task/{a['task_id']}")["list"]["id"] == a["to_list_id"]
            assert [f["id"] for f in fresh.ok(f"/task/{a['task_id']}")["custom_fields"]] == tasks[
                a["task_id"]
            ]["field_ids"]
        if a["kind"] == "close_task":
            assert tasks[a["task_id"]]["status_type"] == "closed"
            assert tasks[a["task_id"]]["date_closed_ms"] is not None
    # An incremental read from the old bookmark returns exactly the changed tasks.
    changed = fresh.ok(
        f"/team/{team_id}/task",
        {"date_updated_gt": previous_max + 1, "include_closed": "true", "subtasks": "true"},
    )["tasks"]
    assert {t["id"] for t in changed} == {
        tid for tid in result["changed_task_ids"] if not tasks[tid]["archived"]
    }
    again = fresh.control("POST", "/mutate", {"count": 2, "seed": 8, "kinds": ["rename_task"]})
    assert {a["kind"] for a in again["applied"]} == {"rename_task"}
    fresh.control("POST", "/reset")
    assert fresh.control("GET", "/export")["deleted"] == {"time_entries": [], "tasks": []}


def test_opt_in_mutations_change_statuses_and_relationships(fresh: Api) -> None:
    def relations(export: dict[str, Any]) -> tuple[set, set]:
        deps, links = set(), set()
        for task in export["tasks"]:
            deps |= {(d["task_id"], d["depends_on"]) for d in task["dependencies"]}
            links |= {frozenset((task["id"], lk["link_id"])) for lk in task["linked_tasks"]}
        return deps, links

    before = fresh.control("GET", "/export")
    deps_before, links_before = relations(before)
    previous_max = max(t["date_updated_ms"] for t in before["tasks"])
    result = fresh.control("POST", "/mutate", {"count": 10, "seed": 3, "kinds": list(OPT_IN_KINDS)})
    assert {a["kind"] for a in result["applied"]} == set(OPT_IN_KINDS)
    after = fresh.control("GET", "/export")
    tasks = {t["id"]: t for t in after["tasks"]}
    deps_after, links_after = relations(after)
    for a in result["applied"]:
        if a["kind"] == "change_status":
            task = tasks[a["task_id"]]
            current = [s for s in task["time_in_status"] if s["is_current"]]
            assert task["status"] == a["to_status"] and [s["status"] for s in current] == [
                a["to_status"]
            ]
            # entered now (a later change in the same request may bump date_updated again)
            assert previous_max < current[0]["current_since_ms"] <= task["date_updated_ms"]
            assert fresh.ok(f"/task/{a['task_id']}")["status"]["status"] == a["to_status"]
    added = {
        (a["task_id"], a["depends_on"]) for a in result["applied"] if a["kind"] == "add_dependency"
    }
    removed = {
        (a["task_id"], a["depends_on"])
        for a in result["applied"]
        if a["kind"] == "remove_dependency"
    }
    assert deps_after == (deps_before | added) - removed and added and removed
    linked = {
        frozenset((a["task_id"], a["link_id"]))
        for a in result["applied"]
        if a["kind"] == "add_link"
    }
    unlinked = {
        frozenset((a["task_id"], a["link_id"]))
        for a in result["applied"]
        if a["kind"] == "remove_link"
    }
    assert links_after == (links_before | linked) - unlinked and linked and unlinked
    # Both tasks of a changed relationship are changed (the tap re-reads both sides).
    for a in result["applied"]:
        if a["kind"] != "change_status":
            other = a.get("depends_on") or a.get("link_id")
            assert {a["task_id"], other} <= set(result["changed_task_ids"])


def test_determinism() -> None:
    config = SandboxConfig(seed=5, tasks=120, members=21, workspaces=2)
    exports = []
    for _ in range(2):
        with SandboxServer(config) as server:
            exports.append(Api(server).control("GET", "/export"))
    for e in exports:
        e.pop("now_ms")
        for task in e["tasks"]:
            for entry in task["time_in_status"]:
                if entry["is_current"]:
                    entry.pop("total_minutes")  # grows with the clock
    assert exports[0] == exports[1]
    assert len(exports[0]["workspaces"]) == 2 and len(exports[0]["members"]) == 42
    roles = {m["role"] for m in exports[0]["members"]}
    assert roles == {1, 2, 3, 4}
    with SandboxServer(SandboxConfig(seed=6, tasks=120)) as other:
        different = Api(other).control("GET", "/export")
    assert different["tasks"] != exports[0]["tasks"]


def test_generation_is_fast() -> None:
    from clickup_sandbox.generator import generate

    started = time.perf_counter()
    state = generate(SandboxConfig(tasks=10_000, members=25, months=6))
    assert len(state.tasks) == 10_000
    assert time.perf_counter() - started < 10


def test_cli_serve_and_sigterm() -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "clickup_sandbox.cli", "serve", "--port", "0", "--tasks", "50",
         "--token", "pk_extra"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )  # fmt: skip
    try:
        line = proc.stdout.readline() if proc.stdout else ""
        match = re.fullmatch(r"clickup-sandbox ready: (http://127\.0\.0\.1:\d+/api/v2)\n", line)
        assert match, line
        r = requests.get(match.group(1) + "/team", headers={"Authorization": "pk_extra"}, timeout=5)
        assert r.status_code == 200
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=10) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def test_stats_are_keyed_by_template(api: Api, team_id: str, truth: dict[str, Any]) -> None:
    api.control("POST", "/stats/reset")
    api.get(f"/task/{truth['tasks'][0]['id']}")
    api.get(f"/task/{truth['tasks'][1]['id']}")
    api.get(f"/team/{team_id}/task")
    stats = api.control("GET", "/stats")
    assert stats["by_endpoint"] == {"GET /task/{task_id}": 2, "GET /team/{team_Id}/task": 1}
    assert stats["total"] == 3


def test_remove_member_keeps_entries_and_refuses_the_assignee(fresh: Api) -> None:
    """`remove_member` (opt-in): the member leaves GET /team, `assignee=` refuses them like any
    non-member, their entries stay in the export and `former_members` lists them."""
    [removed] = fresh.control(
        "POST", "/mutate", {"count": 1, "seed": 3, "kinds": ["remove_member"]}
    )["applied"]
    team, user = removed["team_id"], removed["user_id"]
    assert removed["time_entries"] > 0
    [workspace] = [w for w in fresh.ok("/team")["teams"] if w["id"] == team]
    assert user not in {m["user"]["id"] for m in workspace["members"]}
    refused = fresh.get(f"/team/{team}/time_entries", {"assignee": str(user)})
    assert refused.status_code == 400 and refused.json()["ECODE"] == "TIMEENTRY_034"
    export = fresh.control("GET", "/export")
    assert (team, user) in {(m["team_id"], m["user_id"]) for m in export["former_members"]}
    assert (team, user) not in {(m["team_id"], m["user_id"]) for m in export["members"]}
    kept = [e for e in export["time_entries"] if (e["team_id"], e["user_id"]) == (team, user)]
    assert len(kept) == removed["time_entries"]
    # tasks that still name the user are served (the user resolves from former members)
    assert fresh.ok(f"/team/{team}/task")["tasks"]


def test_past_time_entry_is_found_only_by_a_scan_reaching_its_day(fresh: Api) -> None:
    """`add_past_time_entry` (opt-in): time logged now for a day 20-40 days back; a 3-day scan
    (start_date = 3 days ago) does not return it, a 60-day scan does."""
    [added] = fresh.control(
        "POST", "/mutate", {"count": 1, "seed": 5, "kinds": ["add_past_time_entry"]}
    )["applied"]
    export = fresh.control("GET", "/export")
    [entry] = [e for e in export["time_entries"] if e["id"] == added["time_entry_id"]]
    now_ms = int(time.time() * 1000)
    assert 20 * DAY_MS <= now_ms - entry["start_ms"] <= 41 * DAY_MS
    team = entry["team_id"]

    def scanned(days: int) -> set[str]:
        params = {
            "start_date": str(now_ms - days * DAY_MS),
            "end_date": str(now_ms),
            "assignee": str(entry["user_id"]),  # else only the token owner's entries
        }
        return {e["id"] for e in fresh.ok(f"/team/{team}/time_entries", params)["data"]}

    assert entry["id"] not in scanned(3)
    assert entry["id"] in scanned(60)


def _all_comments(api: Api, task_id: str) -> list[dict[str, Any]]:
    """Every page of ``GET /task/{id}/comment`` (newest first, ``start`` + ``start_id``)."""
    found: list[dict[str, Any]] = []
    params: dict[str, Any] = {}
    while True:
        body = api.ok(f"/task/{task_id}/comment", params)
        validate("gettaskcomments.json", body)
        found += body["comments"]
        if len(body["comments"]) < 25:
            return found
        params = {"start": found[-1]["date"], "start_id": found[-1]["id"]}


def test_comment_mutations_change_comments_but_not_their_tasks(fresh: Api) -> None:
    before = fresh.control("GET", "/export")
    kinds = ["resolve_comment", "reassign_comment", "delete_comment"]
    result = fresh.control("POST", "/mutate", {"count": 6, "seed": 2, "kinds": kinds})
    assert {a["kind"] for a in result["applied"]} == set(kinds) and len(result["applied"]) == 6
    assert result["changed_task_ids"] == []
    after = fresh.control("GET", "/export")
    assert [t["date_updated_ms"] for t in before["tasks"]] == [
        t["date_updated_ms"] for t in after["tasks"]
    ]
    comments_before = {c["id"]: c for c in before["comments"]}
    # a comment may change twice (reassigned, then deleted): its last change is what shows
    last = {a["comment_id"]: a for a in result["applied"]}
    for a in last.values():
        assert comments_before[a["comment_id"]]["assignee_id"] is not None
        served = {c["id"]: c for c in _all_comments(fresh, a["task_id"])}
        if a["kind"] == "delete_comment":
            assert a["comment_id"] not in served
            assert a["comment_id"] not in {c["id"] for c in after["comments"]}
        elif a["kind"] == "resolve_comment":
            assert served[a["comment_id"]]["resolved"] is True
        else:
            assert served[a["comment_id"]]["assignee"]["id"] == a["assignee_id"]
