"""Checks before a run starts, so that a bad setting ends it with one clear line.

`meltano run` starts the tap and the target together; when the target then stops at once (an
unreachable database) Meltano reports its own broken-pipe traceback after our error line. Checking
the database first keeps `make run` and `make demo` to the one line that matters.
"""

from __future__ import annotations

import psycopg

from orchestrate.database_url import redact


class PreflightError(RuntimeError):
    """A setting that would make the run fail, with what to do about it."""


def check_database(database_url: str, timeout_seconds: int = 10) -> None:
    """Connect once to PostgreSQL; raise PreflightError with an actionable message if we cannot."""
    try:
        with psycopg.connect(database_url, connect_timeout=timeout_seconds) as connection:
            connection.execute("select 1")
    except psycopg.Error as error:
        reason = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise PreflightError(
            f"cannot connect to PostgreSQL at {redact(database_url)}: {reason}. "
            "Check DATABASE_URL (postgresql://user:password@host:port/dbname) and that the "
            "server is running."
        ) from None
