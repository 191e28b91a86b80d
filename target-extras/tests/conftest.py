"""Fixtures: a real PostgreSQL (pgserver, or ``TEST_DATABASE_URL``) and a target runner."""

from __future__ import annotations

import typing as t
import uuid
from pathlib import Path

import psycopg
import pytest
from extras_testkit import Landing, session_database


@pytest.fixture(scope="session")
def database_url() -> t.Iterator[str]:
    """A libpq URI of a PostgreSQL 16 server for the whole session."""
    with session_database("pgt") as url:
        yield url


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
