"""One dbt build at a time per target schema: ``dbt <args>`` run under a PostgreSQL advisory lock.

Two builds into one schema at once (the 30-minute, daily and weekly schedules overlapping, or
cron beside a manual run) would drop and swap each other's tables mid-build. Meltano's
``dbt-postgres:build`` commands therefore run this script instead of dbt itself: it opens one
connection, takes a session-level advisory lock named after the database's target schema, runs
dbt as a child process and holds the lock until dbt exits. A session lock dies with its
connection, so a build that was killed (SIGKILL, a lost machine) frees it at once: the next build
never waits for a dead one. A second build waits up to ``CLICKUP_DBT_LOCK_TIMEOUT_SECONDS``
(default 900), printing who holds the lock, then stops with one line naming the holder.

It runs inside Meltano's dbt virtualenv, so it uses only the standard library and psycopg2
(which dbt-postgres installs there); the target's lock on the landing schema lives in
target-extras, in that package's own virtualenv. Settings come from the environment:
``DATABASE_URL`` (else libpq's ``PG*`` variables, as dbt's profile uses), ``DBT_TARGET_SCHEMA``
(default ``clickup_analytics``, as in ``transform/profiles.yml``).

    python orchestrate/dbt_lock.py build --full-refresh
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import zlib
from pathlib import Path
from typing import Any

#: First half of the two-key advisory lock: this project's lock namespace ("CUX" + 1 for dbt).
LOCK_NAMESPACE = 0x43555801
DEFAULT_SCHEMA = "clickup_analytics"
DEFAULT_TIMEOUT_SECONDS = 900.0
POLL_SECONDS = 1.0
PROGRESS_EVERY_SECONDS = 30.0
PREFIX = "dbt-lock"


class LockError(RuntimeError):
    """The lock could not be taken (one line for the user, already worded)."""


def lock_key(schema: str) -> tuple[int, int]:
    """The two 32-bit keys of the schema's lock (both non-negative, as ``pg_locks`` shows them)."""
    return LOCK_NAMESPACE, zlib.crc32(schema.encode()) & 0x7FFFFFFF


def _settings(environ: dict[str, str]) -> tuple[str, str, float]:
    schema = (environ.get("DBT_TARGET_SCHEMA") or DEFAULT_SCHEMA).strip()
    raw = environ.get("CLICKUP_DBT_LOCK_TIMEOUT_SECONDS") or str(DEFAULT_TIMEOUT_SECONDS)
    try:
        timeout = float(raw)
    except ValueError:
        raise LockError(
            f"CLICKUP_DBT_LOCK_TIMEOUT_SECONDS={raw!r} is not a number of seconds"
        ) from None
    return environ.get("DATABASE_URL", "").strip(), schema, max(timeout, 0.0)


def _connect(dsn: str, application_name: str) -> Any:
    import psycopg2  # dbt-postgres's driver, present in Meltano's dbt virtualenv

    try:
        connection = psycopg2.connect(dsn, application_name=application_name)
    except psycopg2.Error as error:
        first = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise LockError(
            f"cannot reach PostgreSQL to take the build lock ({first}); check DATABASE_URL or PG*"
        ) from None
    connection.autocommit = True
    return connection


def describe_holder(connection: Any, keys: tuple[int, int]) -> str:
    """Who holds the lock, as far as ``pg_stat_activity`` tells."""
    with connection.cursor() as cursor:
        cursor.execute(
            "select a.pid, a.application_name, coalesce(host(a.client_addr), 'local socket'), "
            "to_char(a.backend_start at time zone 'utc', 'YYYY-MM-DD HH24:MI:SS') "
            "from pg_locks l join pg_stat_activity a on a.pid = l.pid "
            "where l.locktype = 'advisory' and l.granted and l.classid = %s and l.objid = %s",
            keys,
        )
        row = cursor.fetchone()
    if row is None:
        return "a session that has just let it go"
    pid, application, client, since = row
    return f"'{application or 'unnamed'}' (server pid {pid}, from {client}, since {since} UTC)"


def acquire(connection: Any, schema: str, timeout: float, log: Any = print) -> None:
    """Take the schema's lock, waiting at most ``timeout`` seconds; :class:`LockError` past it."""
    keys = lock_key(schema)
    started = time.monotonic()
    last_report = started - PROGRESS_EVERY_SECONDS
    while True:
        with connection.cursor() as cursor:
            cursor.execute("select pg_try_advisory_lock(%s, %s)", keys)
            (taken,) = cursor.fetchone()
        if taken:
            return
        waited = time.monotonic() - started
        holder = describe_holder(connection, keys)
        if waited >= timeout:
            raise LockError(
                f"another dbt build into schema {schema} holds the lock: {holder}; waited "
                f"{waited:.0f} s. Let it finish and run again, or raise "
                "CLICKUP_DBT_LOCK_TIMEOUT_SECONDS"
            )
        if time.monotonic() - last_report >= PROGRESS_EVERY_SECONDS:
            log(
                f"{PREFIX}: waiting for {holder} to finish its build into {schema} ({waited:.0f} s)"
            )
            last_report = time.monotonic()
        time.sleep(min(POLL_SECONDS, max(timeout - waited, 0.05)))


def run_dbt(args: list[str]) -> int:
    """dbt from this virtualenv with ``args``, signals passed on; its exit code."""
    dbt = Path(sys.executable).parent / "dbt"
    child = subprocess.Popen([str(dbt) if dbt.exists() else "dbt", *args])

    def forward(signum: int, _frame: Any) -> None:
        child.send_signal(signum)

    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, forward)
    return child.wait()


def main(argv: list[str] | None = None, environ: dict[str, str] | None = None) -> int:
    """Lock, build, unlock; one line and exit 3 when the lock cannot be had."""
    args = list(sys.argv[1:] if argv is None else argv)
    environment = dict(os.environ if environ is None else environ)
    try:
        dsn, schema, timeout = _settings(environment)
        name = f"clickup-extras dbt {' '.join(args)[:24]} pid {os.getpid()}@{socket.gethostname()}"
        connection = _connect(dsn, name[:63])
        try:
            acquire(connection, schema, timeout, log=lambda line: print(line, flush=True))
            print(f"{PREFIX}: holding the build lock of schema {schema}", flush=True)
            return run_dbt(args)
        finally:
            connection.close()
    except LockError as error:
        print(f"{PREFIX}: error: {error}", file=sys.stderr, flush=True)
        return 3


if __name__ == "__main__":
    sys.exit(main())
