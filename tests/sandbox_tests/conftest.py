"""Fixtures for the sandbox tests: in-process sandboxes on free ports and an API helper."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from clickup_sandbox.server import SandboxServer

from tests.sandbox_tests.client import Api, start


@pytest.fixture(scope="session")
def sandbox() -> Iterator[SandboxServer]:
    """A read-only sandbox shared by the whole session (do not mutate it)."""
    server = start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def api(sandbox: SandboxServer) -> Api:
    return Api(sandbox)


@pytest.fixture(scope="session")
def team_id(api: Api) -> str:
    return api.ok("/team")["teams"][0]["id"]


@pytest.fixture(scope="session")
def truth(api: Api) -> dict[str, Any]:
    """The shared sandbox's export."""
    return api.control("GET", "/export")


@pytest.fixture
def fresh() -> Iterator[Api]:
    """A private small sandbox a test may change."""
    server = start(tasks=150, members=12)
    yield Api(server)
    server.stop()
