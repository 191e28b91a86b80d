"""Fixtures: a real PostgreSQL (pgserver, or ``TEST_DATABASE_URL``) and a target runner."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import typing as t
import uuid
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest

# The repository root has a ``tests`` package, so this folder (no __init__.py, like the other
# packages' test folders) is not importable by name: put it on the path for the shared helpers.
sys.path.insert(0, str(Path(__file__).parent))

from extras_testkit import singer_lines

TARGET_EXE = Path(sys.executable).with_name("target-extras")
# The target starts in a fresh interpreter for every run: let it keep bytecode caches
# (PYTHONDONTWRITEBYTECODE, set by the Makefile, makes each start compile singer-sdk anew).
TARGET_ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


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


@dataclass
class TargetRun:
    """The outcome of one target subprocess."""

    returncode: int
    stdout: str
    stderr: str

    @property
    def states(self) -> list[dict]:
        """The STATE values the target emitted, in order."""
        return [json.loads(line) for line in self.stdout.splitlines() if line.strip()]


@dataclass
class Landing:
    """A throwaway landing schema plus helpers to run the target and read back."""

    database_url: str
    schema: str
    workdir: Path
    executable: Path = TARGET_EXE

    @staticmethod
    def singer_lines(messages: list[dict]) -> str:
        """Messages as Singer JSON lines."""
        return singer_lines(messages)

    def config(self, **overrides: t.Any) -> Path:
        """Write a config file and return its path."""
        config = {"database_url": self.database_url, "schema": self.schema, **overrides}
        path = self.workdir / f"config-{uuid.uuid4().hex[:8]}.json"
        path.write_text(json.dumps(config))
        return path

    def command(self, **overrides: t.Any) -> list[str]:
        """The target's command line with a fresh config file."""
        return [str(TARGET_EXE), "--config", str(self.config(**overrides))]

    def run(self, messages: list[dict] | str, **overrides: t.Any) -> TargetRun:
        """Run ``target-extras --config cfg.json < input.singer`` and wait for it."""
        text = messages if isinstance(messages, str) else singer_lines(messages)
        proc = subprocess.run(
            self.command(**overrides),
            input=text,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
            env=TARGET_ENV,
        )
        return TargetRun(proc.returncode, proc.stdout, proc.stderr)

    def query(self, statement: str, params: t.Any = None) -> list[tuple]:
        """Rows of a query (``{s}`` in the statement is the landing schema, quoted)."""
        with psycopg.connect(self.database_url, autocommit=True) as conn:
            cur = conn.execute(statement.replace("{s}", f'"{self.schema}"'), params)
            return cur.fetchall() if cur.description else []


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
