"""sqlfluff on the dbt project, with a database for its dbt templater (``make lint``).

The dbt templater compiles the project, and our models ask the catalog whether the optional
Airbyte tables exist (``adapter.get_relation``), so sqlfluff needs a PostgreSQL: ``DATABASE_URL``
when set, else the embedded one (stopped afterwards if this command started it). It lints against a
fresh, empty database created for the run and dropped after it, so the result never depends on what
a demo or test left behind (an incremental model renders its ``is_incremental()`` branch only when
its table exists). sqlfluff runs from the Meltano ``sqlfluff`` utility's virtualenv, where dbt-core
is importable (see meltano.yml). Extra arguments go to sqlfluff, e.g.
``python -m orchestrate.lint_sql fix`` or ``... lint models/marts/dim_tasks.sql``.

``lint`` then makes a second pass over the incremental models (those of the given paths), whose
``is_incremental()`` branches the first pass never renders: in the same database it creates the
landing tables (target-extras, from the tap's SCHEMA messages), builds those models and what they
read (``dbt build``, no tests: empty tables), and lints the models again, now rendered as an
incremental build renders them. The exit code is the first failing pass's.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import psycopg
from psycopg import sql

from orchestrate.database_url import libpq_environment
from orchestrate.embedded_postgres import REPO_ROOT, default_data_dir

SQLFLUFF = REPO_ROOT / ".meltano" / "utilities" / "sqlfluff" / "venv" / "bin" / "sqlfluff"
DBT = SQLFLUFF.with_name("dbt")
PROJECT_DIR = REPO_ROOT / "transform"
TARGET_EXTRAS = Path(sys.executable).with_name("target-extras")
LANDING_SCHEMA = "clickup_extras"


def sqlfluff_command(args: list[str]) -> list[str]:
    """The sqlfluff command line: ``lint .`` by default, paths relative to ``transform/``."""
    if not args:
        args = ["lint", "."]
    elif args[0] in {"lint", "fix"} and len(args) == 1:
        args = [*args, "."]
    return [str(SQLFLUFF), *args]


def main(argv: list[str] | None = None, project_dir: Path = PROJECT_DIR) -> int:
    """Run sqlfluff in ``project_dir`` with the PG* variables of the database; its exit code.

    ``lint`` runs twice: as given, then over the incremental models with their tables built
    (``lint_incremental``).
    """
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
            command = sqlfluff_command(args)
            returncode = subprocess.run(command, cwd=project_dir, env=env).returncode
            if command[1] != "lint":
                return returncode
            incremental = lint_incremental(
                database_url_for(url, database), command[2:], env, project_dir
            )
            return returncode or incremental
    finally:
        if started_here:
            _embedded_postgres("stop")  # leave the machine as we found it (CI, pre-commit)


def lint_incremental(url: str, lint_args: list[str], env: dict[str, str], project_dir: Path) -> int:
    """The second pass: sqlfluff over the incremental models among ``lint_args``' paths, their
    tables built first (empty) so that they render their ``is_incremental()`` branches."""
    paths = [arg for arg in lint_args if not arg.startswith("-")]
    options = [arg for arg in lint_args if arg.startswith("-")]
    models = [
        model
        for model in incremental_models(env, project_dir)
        if any(_within(model["path"], path, project_dir) for path in paths)
    ]
    if not models:
        return 0
    names = ", ".join(model["name"] for model in models)
    print(f"lint_sql: incremental branches of {names}", file=sys.stderr, flush=True)
    create_landing_tables(url)
    build = [
        str(DBT),
        "build",
        "--select",
        *(f"+{model['name']}" for model in models),
        "--exclude-resource-type",
        "test",
        "--exclude-resource-type",
        "unit_test",
        "--quiet",
    ]
    built = subprocess.run(build, cwd=project_dir, env=env, capture_output=True, text=True)
    if built.returncode != 0:
        print(built.stdout[-4000:], built.stderr[-2000:], sep="\n", file=sys.stderr)
        print("lint_sql: building the incremental models' tables failed", file=sys.stderr)
        return built.returncode
    command = [str(SQLFLUFF), "lint", *options, *(model["path"] for model in models)]
    return subprocess.run(command, cwd=project_dir, env=env).returncode


def incremental_models(env: dict[str, str], project_dir: Path) -> list[dict[str, str]]:
    """The project's incremental models: ``{"name", "path"}`` (path relative to the project)."""
    command = [
        str(DBT),
        "ls",
        "--resource-type",
        "model",
        "--select",
        "config.materialized:incremental",
        "--output",
        "json",
        "--output-keys",
        "name",
        "original_file_path",
        "--quiet",
    ]
    listed = subprocess.run(
        command, cwd=project_dir, env=env, capture_output=True, text=True, check=True
    )
    models = []
    for line in listed.stdout.splitlines():
        if line.startswith("{"):
            node = json.loads(line)
            models.append({"name": node["name"], "path": node["original_file_path"]})
    return sorted(models, key=lambda model: model["path"])


def _within(model_path: str, lint_path: str, project_dir: Path) -> bool:
    """Whether sqlfluff's path argument (a file or a folder, relative to the project) covers it."""
    model = (project_dir / model_path).resolve()
    covering = (project_dir / lint_path).resolve()
    return model == covering or covering in model.parents


def create_landing_tables(url: str) -> None:
    """Every landing table of the tap's streams, as target-extras creates them (SCHEMA only)."""
    from tap_clickup_extended.tap import STREAM_TYPES

    messages = [
        {
            "type": "SCHEMA",
            "stream": stream.name,
            "schema": stream.schema,
            "key_properties": list(stream.primary_keys or []),
        }
        for stream in STREAM_TYPES
    ]
    messages.append({"type": "STATE", "value": {"bookmarks": {}}})
    stdin = "".join(json.dumps(message) + "\n" for message in messages)
    # the settings from the environment (--config ENV): no file written, none read
    loaded = subprocess.run(
        [str(TARGET_EXTRAS), "--config", "ENV"],
        input=stdin,
        env={
            **os.environ,
            "TARGET_EXTRAS_DATABASE_URL": url,
            "TARGET_EXTRAS_SCHEMA": LANDING_SCHEMA,
        },
        capture_output=True,
        text=True,
    )
    if loaded.returncode != 0:
        tail = "\n".join(loaded.stderr.splitlines()[-10:])
        raise SystemExit(f"lint_sql: target-extras could not create the landing tables:\n{tail}")


def database_url_for(url: str, database: str) -> str:
    """``url`` with its database replaced by ``database`` (path and any ``dbname`` parameter)."""
    parts = urlsplit(url)
    query = [(key, value) for key, value in parse_qsl(parts.query) if key != "dbname"]
    return urlunsplit(parts._replace(path=f"/{database}", query=urlencode(query)))


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
