"""Helpers shared by the tests: Singer message builders, the target runner and its outcome.

Importable by name because the root pyproject's pytest ``pythonpath`` lists this folder.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import typing as t
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import psycopg

TASK_SCHEMA: dict[str, t.Any] = {
    "type": "object",
    "properties": {
        "id": {"type": "string"},
        "name": {"type": ["null", "string"]},
        "archived": {"type": ["null", "boolean"]},
        "orderindex": {"type": ["null", "integer"]},
        "points": {"type": ["null", "number"]},
        "date_updated": {"type": ["null", "string"], "format": "date-time"},
        "tags": {"type": ["null", "array"], "items": {"type": "string"}},
        "type_config": {"type": ["null", "object"]},
        "mixed": {"type": ["null", "string", "integer"]},
        "last_seen": {"type": ["null", "string"], "x-extras-volatile": True},
    },
}


def schema_msg(stream: str = "tasks", keys: list[str] | None = None, schema: dict | None = None):
    """A SCHEMA message."""
    return {
        "type": "SCHEMA",
        "stream": stream,
        "schema": schema or TASK_SCHEMA,
        "key_properties": ["id"] if keys is None else keys,
    }


def record(stream: str = "tasks", at: str = "2026-05-01T10:00:00+00:00", **values: t.Any):
    """A RECORD message with ``time_extracted``."""
    return {"type": "RECORD", "stream": stream, "record": values, "time_extracted": at}


def state(n: int) -> dict:
    """A STATE message."""
    return {"type": "STATE", "value": {"bookmarks": {"tasks": {"n": n}}}}


def singer_lines(messages: list[dict]) -> str:
    """Messages as Singer JSON lines."""
    return "".join(json.dumps(m) + "\n" for m in messages)


TARGET_EXE = Path(sys.executable).with_name("target-extras")
# The target starts in a fresh interpreter for every run: let it keep bytecode caches
# (PYTHONDONTWRITEBYTECODE, set by the Makefile, makes each start compile singer-sdk anew).
TARGET_ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


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


class StoppablePostgres:
    """A private pgserver that a test may stop and start again (a real outage)."""

    def __init__(self) -> None:
        import pgserver

        self._pgserver = pgserver
        self.datadir = tempfile.mkdtemp(prefix="pgo", dir="/tmp")
        os.chmod(self.datadir, 0o777)
        self.server = pgserver.get_server(self.datadir, cleanup_mode="stop")
        self.url = self.server.get_uri()

    def stop(self) -> None:
        self.server.cleanup()
        assert not Path(self.datadir, "postmaster.pid").exists()

    def start(self) -> None:
        self.server = self._pgserver.get_server(self.datadir, cleanup_mode="stop")
        assert self.server.get_uri() == self.url

    def close(self) -> None:
        import shutil

        if Path(self.datadir, "postmaster.pid").exists():
            self.server.cleanup()
        shutil.rmtree(self.datadir, ignore_errors=True)


@contextmanager
def session_database(prefix: str) -> t.Iterator[str]:
    """A libpq URI: ``TEST_DATABASE_URL``, else a pgserver PostgreSQL 16 stopped on exit.

    The unix socket lives inside the data directory: keep its path short (``/tmp/<prefix>...``).
    As root, pgserver runs PostgreSQL as its own user, which must be able to traverse it.
    """
    external = os.environ.get("TEST_DATABASE_URL")
    if external:
        yield external
        return
    import shutil

    import pgserver

    datadir = tempfile.mkdtemp(prefix=prefix, dir="/tmp")
    os.chmod(datadir, 0o777)
    server = pgserver.get_server(datadir, cleanup_mode="stop")
    try:
        yield server.get_uri()
    finally:
        server.cleanup()
        shutil.rmtree(datadir, ignore_errors=True)
