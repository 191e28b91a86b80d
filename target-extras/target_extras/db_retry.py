"""Survive a short database outage: retry a unit of work with fresh connections, for a bound.

A unit of work is one transaction of the load (a batch, an ACTIVATE_VERSION, a run-log write,
the DDL of a stream). When it fails because the connection is gone (the server restarted or
failed over, a network cut, "connection refused" while it starts again), the pool is disposed
and the whole unit runs again after an exponential backoff, until ``database_retry_seconds``
have passed since the first failure. Every unit is idempotent: a batch whose commit went
through just before the connection dropped adds nothing the second time (the landing skips an
observation it has stored, see :mod:`target_extras.copy_loader`), and the other writes are
``if not exists`` / ``on conflict`` / plain updates.

Errors that are not about the connection (a value PostgreSQL rejects, a cancelled statement,
a full disk) are not retried: they are raised at once.
"""

from __future__ import annotations

import logging
import time
import typing as t

import psycopg
import sqlalchemy as sa

if t.TYPE_CHECKING:
    from collections.abc import Callable

T = t.TypeVar("T")

#: SQLSTATEs of a server going away or not accepting connections yet (besides class 08).
_CONNECTION_STATES = {"57P01", "57P02", "57P03"}  # admin/crash shutdown, cannot connect now
FIRST_DELAY = 0.5
MAX_DELAY = 8.0

logger = logging.getLogger("target-extras")


class DatabaseUnavailableError(Exception):
    """The database stayed unreachable for the whole retry bound."""

    def __init__(self, what: str, seconds: float, attempts: int, reason: str) -> None:
        """Keep what was attempted, for how long and the last reason (no password in it)."""
        super().__init__(f"{what}: {reason}")
        self.what = what
        self.seconds = seconds
        self.attempts = attempts
        self.reason = reason


def is_connection_error(error: BaseException) -> bool:
    """Whether ``error`` means the connection is lost or cannot be made (worth a retry)."""
    if isinstance(error, sa.exc.DisconnectionError):  # InvalidatePoolError among them
        return True
    if isinstance(error, sa.exc.DBAPIError):
        if error.connection_invalidated:
            return True
        return error.orig is not None and is_connection_error(error.orig)
    if isinstance(error, psycopg.OperationalError):
        state = error.sqlstate
        # No SQLSTATE: a client-side failure (connection refused, server closed the connection).
        return state is None or state.startswith("08") or state in _CONNECTION_STATES
    return False


def retry_on_disconnect(
    work: Callable[[], T],
    *,
    what: str,
    bound_seconds: float,
    reconnect: Callable[[], None],
    describe: Callable[[BaseException], str],
) -> T:
    """Run ``work``; on a connection error reconnect and run it again, for ``bound_seconds``.

    Each retry is logged as one line (``describe`` gives the reason without secrets).

    Raises:
        DatabaseUnavailableError: When the bound has passed and the database is still gone.
    """
    first_failure: float | None = None
    attempt = 0
    delay = FIRST_DELAY
    while True:
        try:
            result = work()
        except Exception as exc:
            if not is_connection_error(exc):
                raise
            now = time.monotonic()
            first_failure = now if first_failure is None else first_failure
            attempt += 1
            reason = describe(exc)
            waited = now - first_failure
            reconnect()
            remaining = bound_seconds - waited
            if remaining <= 0:
                raise DatabaseUnavailableError(what, waited, attempt, reason) from None
            pause = min(delay, remaining)
            logger.warning(
                "database connection lost while %s (%s); retry %d in %.1fs "
                "(giving up %.0fs after the first failure, database_retry_seconds).",
                what,
                reason,
                attempt,
                pause,
                bound_seconds,
            )
            time.sleep(pause)
            delay = min(delay * 2, MAX_DELAY)
            continue
        if attempt:
            logger.warning(
                "database connection back: %s succeeded after %d retries (%.1fs).",
                what,
                attempt,
                time.monotonic() - (first_failure or 0.0),
            )
        return result
