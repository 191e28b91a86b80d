"""sqlfluff on the dbt project, with a database for its dbt templater (``make lint``).

The dbt templater compiles the project, and our models ask the catalog whether the optional
Airbyte tables exist (``adapter.get_relation``), so sqlfluff needs a PostgreSQL: ``DATABASE_URL``
when set, else the embedded one (stopped afterwards if this command started it). It lints against a
fresh, empty database created for the run and dropped after it, so the result never depends on what
a demo or test left behind (an incremental model renders its ``is_incremental()`` branch only when
its table exists). sqlfluff runs from the Meltano ``sqlfluff`` utility's virtualenv, where dbt-core
is importable (see meltano.yml). Extra arguments go to sqlfluff, e.g.
``python -m orchestrate.lint_sql fix`` or ``... lint models/marts/dim_tasks.sql``.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager

import psycopg
from psycopg import sql

from orchestrate.database_url import libpq_environment
from orchestrate.embedded_postgres import REPO_ROOT, default_data_dir

SQLFLUFF = REPO_ROOT / ".meltano" / "utilities" / "sqlfluff" / "venv" / "bin" / "sqlfluff"
PROJECT_DIR = REPO_ROOT / "transform"


def sqlfluff_command(args: list[str]) -> list[str]:
    """The sqlfluff command line: ``lint .`` by default, paths relative to ``transform/``."""
    if not args:
        args = ["lint", "."]
    elif args[0] in {"lint", "fix"} and len(args) == 1:
        args = [*args, "."]
    return [str(SQLFLUFF), *args]


def main(argv: list[str] | None = None) -> int:
    """Run sqlfluff in ``transform/`` with the PG* variables of the database; its exit code."""
    if not SQLFLUFF.exists():
        print(f"lint_sql: {SQLFLUFF} is missing: run `make install`.", file=sys.stderr)
        return 2
    url = os.environ.get("DATABASE_URL", "").strip()
    started_here = not url and not (default_data_dir() / "postmaster.pid").exists()
    if not url:
        url = _embedded_postgres("url").strip()
    args = list(sys.argv[1:] if argv is None else argv)
    try:
        with empty_database(url) as database:
            env = {
                **os.environ,
                **libpq_environment(url),
                "PGDATABASE": database,
                "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
                # Linting compiles SQL and hashes nothing; the models refuse to compile
                # without a salt, so lint with a placeholder unless one is set.
                "CLICKUP_EMAIL_HASH_SALT": os.environ.get("CLICKUP_EMAIL_HASH_SALT")
                or "sqlfluff-lint-placeholder",
            }
            return subprocess.run(sqlfluff_command(args), cwd=PROJECT_DIR, env=env).returncode
    finally:
        if started_here:
            _embedded_postgres("stop")  # leave the machine as we found it (CI, pre-commit)


@contextmanager
def empty_database(url: str) -> Iterator[str]:
    """The name of a new empty database on the server of ``url``, dropped afterwards.

    Without the right to create databases, the given database is used as it is (with a note).
    """
    name = f"sqlfluff_lint_{os.getpid()}"
    try:
        with psycopg.connect(url, autocommit=True) as connection:
            connection.execute(sql.SQL("create database {}").format(sql.Identifier(name)))
    except psycopg.Error as error:
        first_line = str(error).strip().splitlines()[0] if str(error).strip() else type(error)
        print(f"lint_sql: linting against the given database ({first_line})", file=sys.stderr)
        yield libpq_environment(url)["PGDATABASE"]
        return
    try:
        yield name
    finally:
        with psycopg.connect(url, autocommit=True) as connection:
            connection.execute(
                sql.SQL("drop database if exists {} with (force)").format(sql.Identifier(name))
            )


def _embedded_postgres(action: str) -> str:
    """``python -m orchestrate.embedded_postgres <action>`` in a child process.

    A child, not a call: pgserver stops the server only when no live process holds a handle
    on it, and a handle taken in this process would outlive the ``stop``.
    """
    command = [sys.executable, "-m", "orchestrate.embedded_postgres", action]
    return subprocess.run(command, cwd=REPO_ROOT, capture_output=True, text=True, check=True).stdout


if __name__ == "__main__":
    sys.exit(main())
