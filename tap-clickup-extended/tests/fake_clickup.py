"""A tiny ClickUp-shaped HTTP server on 127.0.0.1 for the tap's HTTP tests.

It serves canned responses for the endpoints the tap reads, records every request, sends
``X-RateLimit-*`` headers, and plays scripted faults (a status, a 429 with a reset, a
truncated body) queued per path.
"""

from __future__ import annotations

import json
import threading
import time
from collections import defaultdict, deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlparse

TOKEN = "pk_test_SECRET_token_123"
TEAM_ID = "9000001"
DAY_MS = 86_400_000


@dataclass
class Fault:
    """One scripted response: an error status (with a body) or a truncated 200."""

    status: int = 200
    body: Any = None
    truncated: bool = False
    reset_in: float | None = None
    remaining: int | None = None


@dataclass
class Recorded:
    """One request as the server saw it."""

    path: str
    query: dict[str, list[str]]
    authorization: str | None
    at: float


def _field(fid: str, ftype: str, value: Any = ..., **type_config: Any) -> dict:
    entry = {"id": fid, "name": f"{ftype} field", "type": ftype, "type_config": type_config}
    entry["date_created"] = "1700000000000"
    entry["hide_from_guests"] = False
    if value is not ...:
        entry["value"] = value
    return entry


def default_tasks(now_ms: int) -> list[dict]:
    """Three tasks; the drop-down is sent as an option orderindex, as ClickUp does."""
    options = [
        {"id": "opt-a", "name": "Alpha", "color": "#f00", "orderindex": 0},
        {"id": "opt-b", "name": "Beta", "color": None, "orderindex": 1},
    ]
    tasks = []
    for n in range(3):
        tasks.append(
            {
                "id": f"t{n}",
                "custom_id": None,
                "team_id": TEAM_ID,
                "name": f"Task {n}",
                "status": {"status": "open", "type": "open", "color": "#ccc", "orderindex": 0},
                "orderindex": f"{n}.0000",
                "date_created": str(now_ms - 10 * DAY_MS),
                "date_updated": str(now_ms - (3 - n) * DAY_MS),
                "date_closed": None,
                "date_done": None,
                "creator": {"id": 1001},
                "assignees": [{"id": 1002}],
                "watchers": [],
                "tags": [{"name": "x"}],
                "parent": None,
                "priority": {"id": "2", "priority": "high"},
                "due_date": None,
                "start_date": "0",
                "points": None,
                "time_estimate": 3600000,
                "list": {"id": "301"},
                "folder": {"id": "201", "hidden": False},
                "space": {"id": "101"},
                "url": f"https://app.clickup.com/t/t{n}",
                "custom_fields": [
                    _field("f-dd", "drop_down", n % 2, options=options),
                    _field("f-num", "number", "12.5"),
                    _field("f-unset", "text"),
                ],
            }
        )
    return tasks


@dataclass
class FakeClickUp:
    """State of the fake API; ``base_url`` once started."""

    now_ms: int = field(default_factory=lambda: int(time.time() * 1000))
    tasks: list[dict] = field(default_factory=list)
    time_entries: list[dict] = field(default_factory=list)
    faults: dict[str, deque[Fault]] = field(default_factory=lambda: defaultdict(deque))
    requests: list[Recorded] = field(default_factory=list)
    remaining: int = 100
    base_url: str = ""
    templates: list[dict] = field(
        default_factory=lambda: [{"id": "t-9000001-1", "name": "Bug report"}]
    )
    #: Comments per task id, newest first.
    comments: dict[str, list[dict]] = field(default_factory=dict)
    #: Tasks deleted after the walk read them: their comment requests answer 404.
    deleted_task_ids: set[str] = field(default_factory=set)
    #: ``GET /list/{id}/field`` bodies' fields per list id.
    list_fields: dict[str, list[dict]] = field(
        default_factory=lambda: {"302": [_field("f-loose", "short_text")]}
    )

    def __post_init__(self) -> None:
        self.tasks = self.tasks or default_tasks(self.now_ms)
        self.time_entries = self.time_entries or [
            {
                "id": "1963465985517105840",
                "wid": TEAM_ID,
                "user": {"id": 1002, "email": "bob@example.com"},
                "task": {"id": "t1"},
                "billable": True,
                "start": self.now_ms - 2 * DAY_MS,
                "end": self.now_ms - 2 * DAY_MS + 60_000,
                "duration": "60000",
                "description": "",
                "tags": [{"name": "dev"}],
                "source": "clickup",
                "at": self.now_ms - DAY_MS,
                "task_location": {"list_id": 301, "folder_id": 201, "space_id": 101},
            },
            {
                "id": "1963465985517105841",
                "wid": TEAM_ID,
                "user": {"id": 1001, "email": "ann@example.com"},
                "start": str(self.now_ms - 3600_000),
                "duration": -3600000,
                "tags": [],
                "source": "clickup",
            },
        ]

    def paths(self, prefix: str = "") -> list[str]:
        """Paths requested so far (optionally only those starting with ``prefix``)."""
        return [r.path for r in self.requests if r.path.startswith(prefix)]

    def route(self, path: str, query: dict[str, list[str]]) -> tuple[int, Any]:
        """The canned body for a GET."""
        archived = query.get("archived", ["false"])[0] == "true"
        team = {"id": TEAM_ID, "name": "Acme 🚀", "color": "#000", "avatar": None}
        members = [
            {"user": {"id": 1001, "username": "ann", "email": "ann@example.com", "role": 1}},
            {"user": {"id": 1002, "username": "bob", "email": "bob@example.com", "role": 3}},
        ]
        if path == "/api/v2/team":
            return 200, {"teams": [{**team, "members": members}]}
        if path == f"/api/v2/team/{TEAM_ID}/space":
            spaces = [] if archived else [{"id": "101", "name": "S", "private": False}]
            return 200, {"spaces": spaces}
        if path == "/api/v2/space/101/folder":
            folders = [] if archived else [{"id": "201", "name": "F", "orderindex": 0}]
            return 200, {"folders": folders}
        if path == "/api/v2/space/101/list":
            return 200, {"lists": [] if archived else [{"id": "302", "name": "Loose"}]}
        if path == "/api/v2/folder/201/list":
            return 200, {"lists": [] if archived else [{"id": "301", "name": "L"}]}
        if path == f"/api/v2/team/{TEAM_ID}/task":
            return 200, self._tasks_page(query, archived)
        if path == f"/api/v2/team/{TEAM_ID}/time_entries":
            start, end = int(query["start_date"][0]), int(query["end_date"][0])
            data = [e for e in self.time_entries if start <= int(e["start"]) <= end]
            return 200, {"data": data}
        if path == f"/api/v2/team/{TEAM_ID}/taskTemplate":
            page = int(query["page"][0])
            return 200, {"templates": self.templates[page * 100 : (page + 1) * 100]}
        if path == "/api/v2/task/bulk_time_in_status/task_ids":
            return 200, {tid: self._time_in_status() for tid in query["task_ids"]}
        if path.startswith("/api/v2/list/") and path.endswith("/field"):
            return 200, {"fields": self.list_fields.get(path.split("/")[4], [])}
        if path.startswith("/api/v2/task/") and path.endswith("/comment"):
            return self._comments_page(path.split("/")[4], query)
        return 404, {"err": "Route not found", "ECODE": "APP_001"}

    def _time_in_status(self) -> dict:
        since = str(self.now_ms - DAY_MS)
        total = {"by_minute": 60, "since": since}
        return {
            "current_status": {"status": "open", "color": "#ccc", "total_time": total},
            "status_history": [
                {"status": "open", "color": "#ccc", "type": "open", "total_time": total,
                 "orderindex": 0},
            ],
        }  # fmt: skip

    def _comments_page(self, task_id: str, query: dict[str, list[str]]) -> tuple[int, Any]:
        if task_id in self.deleted_task_ids:
            return 404, {"err": "Task not found, deleted", "ECODE": "ITEM_013"}
        comments = self.comments.get(task_id, [])
        if "start_id" in query:
            ids = [c["id"] for c in comments]
            comments = comments[ids.index(query["start_id"][0]) + 1 :]
        return 200, {"comments": comments[:25]}

    def _tasks_page(self, query: dict[str, list[str]], archived: bool) -> dict:
        since = int(query.get("date_updated_gt", ["0"])[0])
        page = int(query.get("page", ["0"])[0])
        # Inclusive, as observed on the real API (docs/clickup-api.md §3).
        matching = [
            t
            for t in self.tasks
            if int(t["date_updated"]) >= since and bool(t.get("archived")) == archived
        ]
        chunk = matching[page * 100 : (page + 1) * 100]
        return {"tasks": chunk, "last_page": (page + 1) * 100 >= len(matching)}


class _Handler(BaseHTTPRequestHandler):
    api: FakeClickUp

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet."""

    def do_GET(self) -> None:
        """Record, apply faults, answer."""
        api = self.api
        url = urlparse(self.path)
        query = parse_qs(url.query)
        api.requests.append(
            Recorded(url.path, query, self.headers.get("Authorization"), time.time())
        )
        faults = api.faults.get(url.path)
        fault = faults.popleft() if faults else None
        if self.headers.get("Authorization") != TOKEN:
            self._send(401, {"err": "Token invalid", "ECODE": "OAUTH_025"})
            return
        if fault and (fault.status != 200 or fault.truncated):
            if fault.truncated:
                status, body = api.route(url.path, query)
                raw = json.dumps(body).encode()
                self._send_raw(200, raw[: len(raw) // 2], fault)
            else:
                self._send(fault.status, fault.body or {"err": "fault", "ECODE": "X"}, fault)
            return
        status, body = api.route(url.path, query)
        self._send(status, body)

    def _send(self, status: int, body: Any, fault: Fault | None = None) -> None:
        self._send_raw(status, json.dumps(body).encode(), fault)

    def _send_raw(self, status: int, raw: bytes, fault: Fault | None = None) -> None:
        reset_in = fault.reset_in if fault and fault.reset_in is not None else 60
        # A plan of 6,000 a minute (as the tests' config says) that never runs low on its own.
        remaining = fault.remaining if fault and fault.remaining is not None else 5999
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(raw)))
        self.send_header("X-RateLimit-Limit", "6000")
        self.send_header("X-RateLimit-Remaining", str(remaining))
        self.send_header("X-RateLimit-Reset", str(int(time.time() + reset_in)))
        self.end_headers()
        self.wfile.write(raw)


def serve(api: FakeClickUp) -> tuple[ThreadingHTTPServer, threading.Thread]:
    """Start ``api`` on a free port of 127.0.0.1; sets ``api.base_url``."""
    handler = type("Handler", (_Handler,), {"api": api})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    api.base_url = f"http://127.0.0.1:{server.server_address[1]}/api/v2"
    return server, thread
