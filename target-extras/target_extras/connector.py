"""Connections to PostgreSQL: URL handling, the engine, and psycopg transactions.

singer-sdk's ``SQLConnector`` owns the SQLAlchemy engine (pooling, pre-ping); the loading
code itself talks to psycopg 3 directly because it needs ``COPY ... FROM STDIN``.
"""

from __future__ import annotations

import contextlib
import threading
import typing as t

import psycopg
import sqlalchemy as sa
from singer_sdk.sql import SQLConnector

from target_extras.db_retry import (
    DatabaseUnavailableError,
    is_connection_error,
    retry_on_disconnect,
)
from target_extras.errors import ConnectionFailedError

if t.TYPE_CHECKING:
    from collections.abc import Callable, Iterator

T = t.TypeVar("T")
DEFAULT_RETRY_SECONDS = 120

_DRIVER = "postgresql+psycopg"
_ACCEPTED_SCHEMES = {"postgres", "postgresql", "postgresql+psycopg"}


def to_sqlalchemy_url(database_url: str) -> sa.URL:
    """Turn a libpq URI (``postgresql://user:pass@host:port/db?host=/dir``) into a psycopg URL.

    Raises:
        ConnectionFailedError: If the URL is not a PostgreSQL URL.
    """
    try:
        url = sa.make_url(database_url)
    except sa.exc.ArgumentError as exc:
        msg = "database_url is not a valid URL (expected postgresql://user:pass@host:port/db)."
        raise ConnectionFailedError(msg) from exc
    if url.drivername not in _ACCEPTED_SCHEMES:
        msg = (
            f"database_url uses the scheme '{url.drivername}'; "
            "expected postgresql://user:pass@host:port/db."
        )
        raise ConnectionFailedError(msg)
    return url.set(drivername=_DRIVER)


def describe_location(url: sa.URL) -> str:
    """Where the URL points, for messages: user, host or socket directory, port, database.

    The password is never part of it.
    """
    host = url.host or url.query.get("host") or "localhost"
    if isinstance(host, tuple):
        host = ",".join(host)
    port = f":{url.port}" if url.port else ""
    user = f"{url.username}@" if url.username else ""
    return f"{user}{host}{port}/{url.database or ''}"


def first_lines(error: BaseException, secret: str | None) -> str:
    """A one-line reason from a driver error, with the password removed if it leaked in."""
    reason = " ".join(line.strip() for line in str(error).splitlines() if line.strip())
    if secret:
        reason = reason.replace(secret, "***")
    return reason or type(error).__name__


class ExtrasConnector(SQLConnector):
    """The target's connection to PostgreSQL."""

    def __init__(self, *args: t.Any, **kwargs: t.Any) -> None:
        """singer-sdk's connector, plus what :meth:`in_transaction` needs after a reconnect."""
        super().__init__(*args, **kwargs)
        self._reconnect_checks: list[Callable[[], None]] = []
        self._reconnected = threading.Event()

    def get_sqlalchemy_url(self, config: dict[str, t.Any]) -> str:
        """Return the SQLAlchemy URL (psycopg 3 driver) built from ``database_url``."""
        url = to_sqlalchemy_url(config["database_url"])
        return url.render_as_string(hide_password=False)

    @property
    def url(self) -> sa.URL:
        """The parsed SQLAlchemy URL."""
        return sa.make_url(self.sqlalchemy_url)

    @property
    def location(self) -> str:
        """The database location without the password, for messages."""
        return describe_location(self.url)

    def create_engine(self) -> sa.Engine:
        """Create the engine: pooled, pre-pinged, every session in UTC."""
        return sa.create_engine(
            self.sqlalchemy_url,
            pool_pre_ping=True,
            connect_args={
                "options": "-c TimeZone=UTC",
                "application_name": "target-extras",
                # A host that vanished must fail an attempt, not hang it past the retry bound.
                "connect_timeout": 10,
            },
        )

    def check_connection(self) -> None:
        """Connect once, so that a wrong URL fails before any input is read.

        Raises:
            ConnectionFailedError: With the location (no password) and the driver's reason.
        """
        try:
            with self._engine.connect() as conn:
                conn.exec_driver_sql("select 1")
        except (sa.exc.OperationalError, sa.exc.InterfaceError, psycopg.Error) as exc:
            cause = exc.orig if isinstance(exc, sa.exc.DBAPIError) else exc
            reason = first_lines(cause or exc, self.url.password)
            msg = (
                f"cannot connect to PostgreSQL at {self.location}: {reason}. "
                "Check database_url / DATABASE_URL."
            )
            raise ConnectionFailedError(msg) from None

    @contextlib.contextmanager
    def transaction(self) -> Iterator[psycopg.Connection]:
        """A pooled psycopg connection inside one transaction: commit on success, else rollback."""
        pooled = self._engine.raw_connection()
        try:
            pg = t.cast("psycopg.Connection", pooled.driver_connection)
            # SQLAlchemy's pre-ping may leave an implicit transaction open; with autocommit on,
            # psycopg's transaction() issues an explicit BEGIN/COMMIT instead of a savepoint.
            if pg.info.transaction_status != psycopg.pq.TransactionStatus.IDLE:
                pg.rollback()
            pg.autocommit = True
            try:
                with pg.transaction():
                    yield pg
            finally:
                if not pg.closed:
                    pg.autocommit = False
        except Exception as exc:
            if is_connection_error(exc):
                # A dead connection: dropped, not reset and returned to the pool (SQLAlchemy
                # would log the failed reset with a traceback).
                pooled.invalidate(exc)
            raise
        finally:
            pooled.close()

    @property
    def retry_seconds(self) -> float:
        """How long a unit of work is retried over lost connections (``database_retry_seconds``)."""
        return float(self.config.get("database_retry_seconds", DEFAULT_RETRY_SECONDS))

    def describe_error(self, error: BaseException) -> str:
        """The driver's one-line reason, without the password."""
        cause = error.orig if isinstance(error, sa.exc.DBAPIError) else error
        return first_lines(cause or error, self.url.password)

    def after_reconnect(self, check: Callable[[], None]) -> None:
        """Run ``check`` before the first unit of work that follows a lost connection.

        The target re-takes its landing lock this way (a session lock dies with its session).
        """
        self._reconnect_checks.append(check)

    def in_transaction(
        self,
        what: str,
        work: Callable[[psycopg.Connection], T],
        *,
        retry_seconds: float | None = None,
    ) -> T:
        """Run ``work`` in one transaction, retried with fresh connections while the database
        is unreachable, for ``retry_seconds`` (default ``database_retry_seconds``).

        ``work`` must be idempotent (see :mod:`target_extras.db_retry`).

        Raises:
            ConnectionFailedError: One line, when the database stayed unreachable too long.
        """

        def attempt() -> T:
            if self._reconnected.is_set():
                for check in self._reconnect_checks:
                    check()
                self._reconnected.clear()
            with self.transaction() as pg:
                return work(pg)

        def reconnect() -> None:
            self.dispose()
            self._reconnected.set()

        return self.retrying(what, attempt, reconnect=reconnect, retry_seconds=retry_seconds)

    def retrying(
        self,
        what: str,
        work: Callable[[], T],
        *,
        reconnect: Callable[[], None] | None = None,
        retry_seconds: float | None = None,
    ) -> T:
        """Run ``work``, retried over lost connections for ``retry_seconds``.

        Raises:
            ConnectionFailedError: One line, when the database stayed unreachable too long.
        """
        bound = self.retry_seconds if retry_seconds is None else retry_seconds
        try:
            return retry_on_disconnect(
                work, what=what, bound_seconds=bound, reconnect=reconnect or self.dispose,
                describe=self.describe_error,
            )  # fmt: skip
        except DatabaseUnavailableError as exc:
            msg = (
                f"PostgreSQL at {self.location} stayed unreachable while {what} "
                f"({exc.attempts} attempts over {exc.seconds:.0f}s, database_retry_seconds "
                f"{bound:g}; last error: {exc.reason}); nothing uncommitted was kept and every "
                "state emitted covers only committed rows. Rerun from the last state once the "
                "database is back."
            )
            raise ConnectionFailedError(msg) from None

    def dispose(self) -> None:
        """Close every pooled connection."""
        if self._cached_engine is not None:
            self._cached_engine.dispose()
