"""Fixtures of the receiver's tests: a real PostgreSQL (pgserver, or ``TEST_DATABASE_URL``)."""

from __future__ import annotations

import os
import shutil
import tempfile
import typing as t

import pytest


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
    datadir = tempfile.mkdtemp(prefix="pgw", dir="/tmp")
    os.chmod(datadir, 0o777)
    server = pgserver.get_server(datadir, cleanup_mode="stop")
    try:
        yield server.get_uri()
    finally:
        server.cleanup()
        shutil.rmtree(datadir, ignore_errors=True)
