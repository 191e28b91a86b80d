"""Fixtures for end-to-end tests: a real PostgreSQL, the ClickUp sandbox and `meltano run`."""

from __future__ import annotations

import os
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from orchestrate.pipeline import pipeline_environment
from orchestrate.sandbox_runner import SANDBOX_TOKEN, Sandbox, running_sandbox


@pytest.fixture(scope="session")
def postgres_server_url() -> Iterator[str]:
    """A PostgreSQL server: TEST_DATABASE_URL when set, else a throwaway embedded one."""
    external = os.environ.get("TEST_DATABASE_URL")
    if external:
        yield external
        return
    import pgserver

    data_dir = Path(tempfile.mkdtemp(prefix="e2e", dir="/tmp")) / "pg"
    os.chmod(data_dir.parent, 0o755)
    server = pgserver.get_server(data_dir, cleanup_mode="delete")
    try:
        yield server.get_uri()
    finally:
        server.cleanup()


@pytest.fixture()
def database_url(postgres_server_url: str) -> Iterator[str]:
    """A fresh database for one test, dropped afterwards."""
    name = f"e2e_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(postgres_server_url, autocommit=True) as connection:
        connection.execute(f'create database "{name}"')
    base, _, query = postgres_server_url.partition("?")
    root = base.rsplit("/", 1)[0]
    yield f"{root}/{name}" + (f"?{query}" if query else "")
    with psycopg.connect(postgres_server_url, autocommit=True) as connection:
        connection.execute(f'drop database if exists "{name}" with (force)')


@pytest.fixture()
def sandbox() -> Iterator[Sandbox]:
    """A small sandbox workspace with a scaled rate limit (200 requests per 5 s)."""
    with running_sandbox(
        "--tasks", "250", "--seed", "11", "--rate-limit", "200", "--rate-window-seconds", "5"
    ) as running:
        yield running


@pytest.fixture()
def pipeline_env(database_url: str, sandbox: Sandbox, tmp_path: Path) -> dict[str, str]:
    """The environment for `meltano run` against the sandbox, with state kept in tmp_path."""
    state_dir = tmp_path / "state"
    state_dir.mkdir()
    return pipeline_environment(
        database_url,
        base_url=sandbox.api_url,
        api_token=SANDBOX_TOKEN,
        extra={
            "TAP_CLICKUP_EXTENDED_RATE_LIMIT_PER_MINUTE": "2400",
            # Time entries at the default lookback (60 days): the sandbox edits and deletes
            # entries anywhere in its 7 months of history, and a later run sees only those in its
            # window; tests compare with tests/e2e/lookback_truth.py (what the window must get
            # right) and re-read longer where they check the rest.
            "MELTANO_STATE_BACKEND_URI": state_dir.as_uri(),
        },
    )
