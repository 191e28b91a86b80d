"""Fixtures: a real PostgreSQL (pgserver, or ``TEST_DATABASE_URL``) and a target runner."""

from __future__ import annotations

import os
import shutil
import tempfile
import typing as t
import uuid
from pathlib import Path

import psycopg
import pytest
from extras_testkit import Landing


@pytest.fixture(scope="session")
def database_url() -> t.Iterator[str]:
    """A libpq URI of a PostgreSQL 16 server for the whole session."""
    external = os.environ.get("TEST_DATABASE_URL")
    if external:
        yield external
        return
    import pgserver

    # The unix socket lives inside the data directory: keep its path short. As root, pgserver
    # runs PostgreSQL as its own user, which must be able to traverse the parent directory.
    datadir = tempfile.mkdtemp(prefix="pgt", dir="/tmp")
    os.chmod(datadir, 0o777)
    server = pgserver.get_server(datadir, cleanup_mode="stop")
    try:
        yield server.get_uri()
    finally:
        server.cleanup()
        shutil.rmtree(datadir, ignore_errors=True)


def _fresh_landing(database_url: str, workdir: Path) -> t.Iterator[Landing]:
    schema = f"t_{uuid.uuid4().hex[:10]}"
    yield Landing(database_url, schema, workdir)
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute(f'drop schema if exists "{schema}" cascade')


@pytest.fixture
def landing(database_url: str, tmp_path: Path) -> t.Iterator[Landing]:
    """A fresh schema per test, dropped afterwards."""
    yield from _fresh_landing(database_url, tmp_path)


@pytest.fixture
def other_landing(database_url: str, tmp_path: Path) -> t.Iterator[Landing]:
    """A second fresh schema, for comparing two loads of the same input."""
    yield from _fresh_landing(database_url, tmp_path)
