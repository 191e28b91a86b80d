"""Fixtures: the fake ClickUp server and the tap's base configuration."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

# The repository root has a ``tests`` package, so this folder (no __init__.py, like the target's
# test folder) is not importable by name: put it on the path for the shared helpers. As a package
# called ``tests`` it took that name from the root's tests during a whole-repository run.
sys.path.insert(0, str(Path(__file__).parent))

from fake_clickup import TOKEN, FakeClickUp, serve


@pytest.fixture
def fake_api() -> Iterator[FakeClickUp]:
    """A running fake ClickUp API."""
    api = FakeClickUp()
    server, _ = serve(api)
    yield api
    server.shutdown()
    server.server_close()


@pytest.fixture
def base_config(fake_api: FakeClickUp) -> dict[str, Any]:
    """Config for the fake API: fast retries, ample budget."""
    return {
        "api_token": TOKEN,
        "base_url": fake_api.base_url,
        "max_retries": 3,
        "rate_limit_per_minute": 6000,
    }
