"""Run Airbyte's ClickUp connector through PyAirbyte into PostgreSQL (run by the Airbyte venv).

This file is executed by the Python of the Airbyte virtualenv (`.airbyte/venv`), not by ours:
it imports only the standard library, PyYAML and `airbyte`. It reads one JSON object on stdin:

    {"manifest_path": ".../source-clickup-api-0.2.0.yaml", "base_url": "http://127.0.0.1:8765/api/v2",
     "api_token": "pk_...", "include_closed_tasks": true, "streams": ["team", "task"] | "*",
     "database_url": "postgresql://user:pw@host:5432/db" | "postgresql://postgres:@/db?host=/sock",
     "schema": "airbyte_raw", "cache_dir": "/tmp/ab-run-x/cache",
     "result_path": "/tmp/ab-run-x/result.json", "write_strategy": "replace" | "append"}

overrides `definitions.base_requester.url_base` of the connector's own manifest with `base_url`
(nothing else), reads the selected streams and writes them into `schema` through PyAirbyte's
PostgresCache, and writes {"records": {stream: count}, "seconds": s} to `result_path`
(PyAirbyte echoes connector messages on stdout). Progress lines ("airbyte-runner: ...") go to
stderr. A failure prints one line starting with "airbyte-runner: error:" and
exits 1 (never the token or the database password).
"""

from __future__ import annotations

import json
import os
import sys
import time
from typing import Any
from urllib.parse import parse_qs, quote, unquote, urlsplit


def connection_fields(database_url: str) -> dict[str, Any]:
    """host/port/username/password/database of a postgresql:// URI (unix-socket hosts too)."""
    parts = urlsplit(database_url)
    query = parse_qs(parts.query)
    return {
        "host": query.get("host", [parts.hostname or "localhost"])[0],
        "port": int(parts.port or query.get("port", ["5432"])[0]),
        "username": unquote(parts.username or "") or query.get("user", ["postgres"])[0],
        "password": unquote(parts.password or "") or query.get("password", [""])[0],
        "database": unquote(parts.path.lstrip("/")) or query.get("dbname", ["postgres"])[0],
    }


def adapt_json_values() -> None:
    """Let psycopg2 send dicts and lists as JSON text.

    The connector's schemas declare some fields as strings that ClickUp sends as objects (a list's
    `priority` and `status`, for instance); PyAirbyte's PostgresCache then hands psycopg2 a dict
    for a VARCHAR column and fails with "can't adapt type 'dict'". Airbyte's own PostgreSQL
    destination stores such values as JSON text; this does the same on the loading side only
    (the connector's records are unchanged).
    """
    import psycopg2.extensions
    import psycopg2.extras

    psycopg2.extensions.register_adapter(dict, psycopg2.extras.Json)
    psycopg2.extensions.register_adapter(list, psycopg2.extras.Json)


def sqlalchemy_url(fields: dict[str, Any]) -> str:
    """The SQLAlchemy (psycopg2) URL of `connection_fields(...)`, the way libpq reads it.

    PostgresCache builds `postgresql://user:pw@host:port/db` unescaped, which can carry neither a
    socket directory (our embedded PostgreSQL) nor a password with `@` or `/`: here credentials
    are escaped, and a socket directory goes into `?host=`.
    """
    credentials = (
        f"{quote(str(fields['username']), safe='')}:{quote(str(fields['password']), safe='')}"
    )
    database = quote(str(fields["database"]), safe="")
    host, port = str(fields["host"]), int(fields["port"])
    if host.startswith("/"):
        return f"postgresql://{credentials}@/{database}?host={quote(host, safe='/')}&port={port}"
    return f"postgresql://{credentials}@{host}:{port}/{database}"


def make_cache(database_url: str, schema: str, cache_dir: str) -> Any:
    """A PostgresCache that connects with `sqlalchemy_url` (sockets, escaped passwords)."""
    from airbyte.caches import PostgresCache
    from airbyte.secrets.base import SecretString

    class LibpqPostgresCache(PostgresCache):
        def get_sql_alchemy_url(self) -> SecretString:
            return SecretString(
                sqlalchemy_url(
                    {
                        "host": self.host,
                        "port": self.port,
                        "username": self.username,
                        "password": self.password,
                        "database": self.database,
                    }
                )
            )

    fields = connection_fields(database_url)
    return LibpqPostgresCache(**fields, schema_name=schema, cache_dir=cache_dir)


def progress(message: str) -> None:
    print(f"airbyte-runner: {message}", file=sys.stderr, flush=True)


def load_manifest(path: str, base_url: str) -> dict[str, Any]:
    import yaml

    with open(path, encoding="utf-8") as handle:
        manifest: dict[str, Any] = yaml.safe_load(handle)
    manifest["definitions"]["base_requester"]["url_base"] = base_url.rstrip("/") + "/"
    return manifest


def run(request: dict[str, Any]) -> dict[str, Any]:
    manifest = load_manifest(request["manifest_path"], request["base_url"])
    import airbyte

    adapt_json_values()
    config = {
        "api_token": request["api_token"],
        "include_closed_tasks": bool(request.get("include_closed_tasks", True)),
    }
    source = airbyte.get_source(
        "source-clickup-api",
        source_manifest=manifest,
        config=config,
        install_if_missing=False,
    )
    streams = request.get("streams") or "*"
    source.select_streams(streams)
    names = source.get_selected_streams()
    progress(f"reading {len(names)} streams ({', '.join(names)}) into {request.get('schema')}")
    cache = make_cache(request["database_url"], request.get("schema", "airbyte_raw"),
                       request["cache_dir"])  # fmt: skip
    started = time.monotonic()
    strategy = request.get("write_strategy", "replace")
    result = source.read(cache=cache, force_full_refresh=True, write_strategy=strategy)
    seconds = time.monotonic() - started
    records = {name: len(dataset) for name, dataset in result.streams.items()}
    for name in names:
        records.setdefault(name, 0)
    progress(f"{sum(records.values())} records in {seconds:.1f} s")
    return {"records": records, "seconds": round(seconds, 3)}


def main() -> int:
    # before PyAirbyte is imported: no registry look-ups, no telemetry, no live progress display
    os.environ.setdefault("AIRBYTE_OFFLINE_MODE", "1")
    os.environ.setdefault("DO_NOT_TRACK", "1")
    os.environ.setdefault("NO_LIVE_PROGRESS", "1")
    try:
        request = json.loads(sys.stdin.read())
    except json.JSONDecodeError as error:
        print(f"airbyte-runner: error: the request on stdin is not JSON ({error})", file=sys.stderr)
        return 1
    secrets = [
        request.get("api_token") or "",
        connection_fields(request["database_url"])["password"],
    ]
    try:
        outcome = run(request)
    except Exception as error:  # one line, secrets removed: the caller prints it as it is
        message = " ".join(str(error).split())[:600] or type(error).__name__
        for secret in secrets:
            if secret:
                message = message.replace(secret, "***")
        print(f"airbyte-runner: error: {type(error).__name__}: {message}", file=sys.stderr)
        return 1
    with open(request["result_path"], "w", encoding="utf-8") as handle:
        json.dump(outcome, handle)
    return 0


if __name__ == "__main__":
    sys.exit(main())
