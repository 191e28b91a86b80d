"""A real database outage mid-load (PostgreSQL stopped, then started again).

A short one is survived: the batches are retried over fresh connections and nothing is lost or
stored twice. One longer than ``database_retry_seconds`` ends the run with one line, a
``failed`` run-log row (written once the database is back) and exit code 1. A commit that went
through just before the connection dropped is retried without doubling a row.
"""

from __future__ import annotations

import contextlib
import io
import time
import typing as t

import psycopg
import pytest
from chaos_testkit import ITEMS_SCHEMA, TargetProcess, error_lines, items, wait_until
from extras_testkit import Landing, StoppablePostgres
from target_extras import sink as sink_module
from target_extras.connector import ExtrasConnector
from target_extras.target import TargetExtras

if t.TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

pytestmark = pytest.mark.timeout(180)


@pytest.fixture
def postgres() -> Iterator[StoppablePostgres]:
    server = StoppablePostgres()
    yield server
    server.close()


def _loaded(landing: Landing) -> tuple[int, int, str]:
    """Rows, distinct keys, and the run log's status."""
    rows, keys = landing.query("select count(*), count(distinct id) from {s}.items")[0]
    (status,) = landing.query("select status from {s}._extras_runs")[0]
    return rows, keys, status


def test_a_short_outage_mid_load_loses_and_doubles_nothing(
    postgres: StoppablePostgres, tmp_path: Path
) -> None:
    landing = Landing(postgres.url, "outage_short", tmp_path)
    target = TargetProcess(
        landing.command(batch_size_rows=100, state_flush_interval_seconds=0)
    )  # default database_retry_seconds (120)
    target.send([ITEMS_SCHEMA, *items(0, 500)])
    assert wait_until(lambda: len(target.states) >= 3), target.stderr
    postgres.stop()
    target.feed(items(500, 1000))
    assert wait_until(lambda: "database connection lost while" in target.stderr, 30)
    time.sleep(3)  # a few seconds of outage while the target retries
    postgres.start()
    assert target.wait(timeout=120) == 0, target.stderr
    assert _loaded(landing) == (1500, 1500, "succeeded")  # 0 lost, 0 doubled
    assert target.states[-1] == {"bookmarks": {"items": {"n": 1500}}}
    assert "Traceback" not in target.stderr
    assert "database connection back" in target.stderr
    assert "landing lock of schema outage_short was lost with its session" in target.stderr


def test_an_outage_past_the_bound_fails_with_one_line_and_a_failed_row(
    postgres: StoppablePostgres, tmp_path: Path
) -> None:
    landing = Landing(postgres.url, "outage_long", tmp_path)
    target = TargetProcess(
        landing.command(
            batch_size_rows=100, state_flush_interval_seconds=0, database_retry_seconds=4
        )
    )
    target.send([ITEMS_SCHEMA, *items(0, 300)])
    assert wait_until(lambda: len(target.states) >= 2), target.stderr
    postgres.stop()
    started = time.monotonic()
    target.feed(items(300, 300))
    # The load gives up after 4 s; closing the run row as failed then waits for the database.
    assert wait_until(lambda: "while closing the run log row" in target.stderr, 60), target.stderr
    assert time.monotonic() - started >= 3  # (the first failure may precede ``started`` a bit)
    postgres.start()
    assert target.wait(timeout=60) == 1
    errors = error_lines(target.stderr)
    assert len(errors) == 1, target.stderr
    # Whatever the outage hit first: a batch, or the run-log write of a state.
    assert "stayed unreachable while" in errors[0]
    assert "database_retry_seconds 4" in errors[0]
    assert "Traceback" not in target.stderr
    rows, keys, status = _loaded(landing)
    assert status == "failed"
    assert rows == keys  # nothing doubled
    last_state_n = target.states[-1]["bookmarks"]["items"]["n"]
    assert rows >= last_state_n  # everything the last emitted state covers is stored
    (error,) = landing.query("select error from {s}._extras_runs")[0]
    assert "stayed unreachable" in error


def test_a_retried_batch_whose_commit_went_through_adds_nothing(
    database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The connection drops right after a batch's COMMIT: the retry must not double rows."""
    real_transaction = ExtrasConnector.transaction
    real_load_batch = sink_module.load_batch
    dropped: list[int] = []
    batch_in_transaction: list[bool] = []

    def load_batch(*args: t.Any, **kwargs: t.Any) -> int:
        batch_in_transaction.append(True)
        return real_load_batch(*args, **kwargs)

    @contextlib.contextmanager
    def flaky(self: ExtrasConnector) -> Iterator[psycopg.Connection]:
        batch_in_transaction.clear()
        with real_transaction(self) as pg:
            yield pg
        if batch_in_transaction and len(dropped) < 3:  # committed; now "lose" the connection
            dropped.append(1)
            raise psycopg.OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(sink_module, "load_batch", load_batch)
    monkeypatch.setattr(ExtrasConnector, "transaction", flaky)
    landing = Landing(database_url, "retry_after_commit", tmp_path)
    target = TargetExtras(
        config={"database_url": database_url, "schema": landing.schema, "batch_size_rows": 100}
    )
    messages = [ITEMS_SCHEMA, *items(0, 350), *items(0, 350)]  # and a replay of the same input
    target.process_lines(io.StringIO(Landing.singer_lines(messages)))
    target.process_endofpipe()
    try:
        assert len(dropped) == 3
        assert _loaded(landing) == (350, 350, "succeeded")
    finally:
        landing.query('drop schema "retry_after_commit" cascade')
