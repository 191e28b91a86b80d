"""Fixtures: an in-process ClickUp sandbox (``clickup-sandbox``) and the tap's base configuration.

The sandbox serves real HTTP on 127.0.0.1; tests script its faults (``app.faults``), read its
request log (``app.requests``) and its ground truth (``export``) through its Python API.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from clickup_sandbox.app import now_ms
from clickup_sandbox.config import SandboxConfig
from clickup_sandbox.export import export
from clickup_sandbox.faults import FaultRule
from clickup_sandbox.request_log import LoggedRequest
from clickup_sandbox.server import SandboxServer

TOKEN = "pk_test_SECRET_token_123"
#: A small workspace: 30 tasks (3 archived), 4 members, 2 months of time entries.
WORKSPACE = SandboxConfig(
    tasks=30, members=4, months=2, tokens=(TOKEN,), rate_limit=6000, rate_window_seconds=60
)


class SandboxApi:
    """A running in-process sandbox and the calls the tests make on it."""

    def __init__(self, server: SandboxServer) -> None:
        self.server = server
        self.app = server.app
        self.base_url = server.url
        self.team_id = next(iter(server.app.state.workspaces))

    def fail(self, path_contains: str, kind: str, count: int = 1, **options: Any) -> None:
        """Queue ``count`` faults of ``kind`` on requests whose target contains the text."""
        raw = {"path_contains": path_contains, "kind": kind, "count": count, **options}
        self.app.faults.add([FaultRule.from_json(raw)])

    def requests_to(self, path: str) -> list[LoggedRequest]:
        """The logged requests to exactly ``path`` (``/api/v2/...``), oldest first."""
        return [r for r in self.app.requests.entries(path) if r.path == path]

    def export(self) -> dict[str, Any]:
        """The sandbox's ground truth (docs/data-contracts.md §3)."""
        with self.app.lock:
            return export(self.app.state, now_ms())


@pytest.fixture
def sandbox_api() -> Iterator[SandboxApi]:
    """A fresh small sandbox for one test (its state, faults and request log are the test's)."""
    server = SandboxServer(WORKSPACE).start()
    yield SandboxApi(server)
    server.stop()


@pytest.fixture
def base_config(sandbox_api: SandboxApi) -> dict[str, Any]:
    """Config for the sandbox: fast retries, ample budget."""
    return {
        "api_token": TOKEN,
        "base_url": sandbox_api.base_url,
        "max_retries": 3,
        "rate_limit_per_minute": 6000,
    }
