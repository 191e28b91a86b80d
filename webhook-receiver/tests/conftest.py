"""Fixtures of the receiver's tests: a real PostgreSQL (pgserver, or ``TEST_DATABASE_URL``)."""

from __future__ import annotations

import typing as t

import pytest
from extras_testkit import session_database


@pytest.fixture(scope="session")
def database_url() -> t.Iterator[str]:
    """A libpq URI of a PostgreSQL 16 server for the whole session."""
    with session_database("pgw") as url:
        yield url
