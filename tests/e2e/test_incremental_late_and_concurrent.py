"""Late and out-of-order arrivals: the field-history marts stay equal to a full refresh.

The landing history is synthesised as target-extras appends it (bench.dbt_incremental),
the webhook deliveries table is the receiver's own (clickup_webhook_receiver.tables); rows are
written with plain SQL, as the target and the receiver write them, on real PostgreSQL.

- Concurrent writers: a delivery and a landing version are inserted first (lower ids) in a
  transaction kept open across a `dbt build`, while others with higher ids commit before it and
  more deliveries keep committing after random delays during the build. Ids commit out of order;
  the build horizon (transform/macros/build_horizon.sql) still builds every row exactly once, and
  the build log names the session holding the horizon back.
- A change loaded 30 days after it happened (a polled version and a webhook item, dated 27-30
  days back) rewrites the daily history from that day, with the default 3-day lookback.
"""

from __future__ import annotations

import json
import random
import subprocess
import threading
import time
import uuid
from pathlib import Path

import psycopg
from clickup_webhook_receiver.tables import ensure_deliveries

from bench.dbt_incremental import (
    APPENDED_NOW,
    MODELS,
    SCHEMA,
    append_landing_versions,
    create_landing_tables,
    dbt_build_command,
    dbt_environment,
    synthesise_history,
)
from tests.e2e.incremental_parity import compared_columns

PAIRS = (
    "select task_id, field_id, field_name, field_type"
    f" from {SCHEMA}.task_custom_field_values__current order by md5(task_id || field_id)"
)


def dbt_build(url: str, schema: str, target: Path, *extra: str) -> str:
    """The field-history models and their data tests, with the default lookback; the log."""
    stall = ("--vars", json.dumps({"build_horizon_stall_warning_seconds": 0}))
    result = subprocess.run(
        dbt_build_command(target, *stall, *extra, data_tests=True),
        env=dbt_environment(url, schema),
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-6000:]
    return result.stdout


def mismatches(url: str) -> list[str]:
    """The field-history marts in `inc` that differ from the full refresh in `full_build`."""
    found = []
    with psycopg.connect(url) as connection:
        for model in MODELS:
            c = compared_columns(connection, "full_build", model)
            only_inc, only_full, rows = connection.execute(
                f"""
                select
                    (select count(*) from (select {c} from inc.{model}
                        except all select {c} from full_build.{model}) as a),
                    (select count(*) from (select {c} from full_build.{model}
                        except all select {c} from inc.{model}) as b),
                    (select count(*) from full_build.{model})
                """
            ).fetchone() or (0, 0, 0)
            if only_inc or only_full or rows == 0:
                found.append(
                    f"{model}: {only_inc} only incremental, {only_full} only full, {rows} rows"
                )
    return found


def insert_version(
    connection: psycopg.Connection, pair: tuple[str, ...], value: str, observed: str
) -> None:
    """A new landing version of `pair` (copied from its current one), observed at `observed`
    (SQL), in the connection's transaction."""
    append_landing_versions(
        connection,
        "task_custom_field_values",
        {**APPENDED_NOW, "value_text": f"'{value}'", "task_date_updated": observed},
        "where latest.task_id = %s and latest.field_id = %s",
        (pair[0], pair[1]),
    )


def insert_delivery(
    connection: psycopg.Connection, pair: tuple[str, ...], value: str, changed_ms: int
) -> None:
    """One signed-delivery row as the receiver stores it: a custom-field history item of `pair`."""
    item_id = str(uuid.uuid4().int % 10**18)
    body = {
        "event": "taskUpdated",
        "task_id": pair[0],
        "webhook_id": "w1",
        "history_items": [
            {
                "id": item_id,
                "type": 1,
                "date": str(changed_ms),
                "field": "custom_field",
                "custom_field": {"id": pair[1], "name": pair[2], "type": pair[3]},
                "before": None,
                "after": value,
                "user": {"id": 7, "username": "late writer"},
            }
        ],
    }
    raw = json.dumps(body).encode()
    connection.execute(
        f"""
        insert into "{SCHEMA}".webhook_deliveries (received_at, webhook_id, event, task_id,
            history_item_ids, body, raw_body, body_sha256, signature, secret_id, headers)
        values (now(), 'w1', 'taskUpdated', %s, %s, %s::jsonb, %s, md5(%s), 'sig', 's1', '{{}}')
        """,
        (pair[0], [item_id], json.dumps(body), raw, raw),
    )


def now_ms(days_ago: float = 0) -> int:
    return int((time.time() - days_ago * 86400) * 1000)


def setup(url: str, work: Path) -> list[tuple[str, ...]]:
    create_landing_tables(url, work)
    synthesise_history(url, 2_000)
    with psycopg.connect(url, autocommit=True) as connection:
        ensure_deliveries(connection, SCHEMA, ())
        return [tuple(row) for row in connection.execute(PAIRS).fetchall()]


def test_rows_committed_out_of_id_order_are_built_once(database_url: str, tmp_path: Path) -> None:
    pairs = setup(database_url, tmp_path)
    with psycopg.connect(database_url, autocommit=True) as connection:
        insert_delivery(connection, pairs[0], "first", now_ms())
    dbt_build(database_url, "inc", tmp_path / "t1")

    # the late writer takes the lower ids and keeps its transaction open
    late = psycopg.connect(database_url)
    late_pid = late.info.backend_pid
    insert_delivery(late, pairs[1], "late delivery", now_ms())
    insert_version(late, pairs[2], "late version", "now()")
    # others take higher ids and commit first
    with psycopg.connect(database_url, autocommit=True) as connection:
        insert_delivery(connection, pairs[3], "early delivery", now_ms())
        insert_version(connection, pairs[4], "early version", "now()")

    # and more keep committing, each after a random delay, while dbt builds
    stop = threading.Event()

    def writer() -> None:
        rng = random.Random(5)
        with psycopg.connect(database_url) as connection:
            while not stop.is_set():
                insert_delivery(connection, rng.choice(pairs[5:40]), "during", now_ms())
                if rng.random() < 0.5:
                    insert_version(connection, rng.choice(pairs[40:80]), "during", "now()")
                time.sleep(rng.uniform(0.0, 0.4))
                connection.commit()

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        log = dbt_build(database_url, "inc", tmp_path / "t2")
    finally:
        stop.set()
        thread.join()
    late.commit()
    late.close()

    dbt_build(database_url, "inc", tmp_path / "t3")
    dbt_build(database_url, "full_build", tmp_path / "full", "--full-refresh")
    assert not mismatches(database_url)
    with psycopg.connect(database_url) as connection:
        deliveries, counted, late_changes = connection.execute(
            f"""
            select
                (select count(*) from "{SCHEMA}".webhook_deliveries),
                (select sum(delivery_count) from inc.fct_webhook_events),
                (select count(*) from inc.fct_custom_field_changes
                    where value_after_text in ('late version', 'late delivery'))
            """
        ).fetchone() or (0, 0, 0)
    # every delivery counted exactly once; the late delivery and version built
    assert (deliveries, counted) == (deliveries, deliveries) and deliveries > 3
    assert late_changes == 2
    # the open transaction held the horizon back, and the build log says so
    assert "held back" in log and f"by pid {late_pid}" in log


def test_a_change_loaded_30_days_late_rewrites_its_days(database_url: str, tmp_path: Path) -> None:
    pairs = setup(database_url, tmp_path)
    dbt_build(database_url, "inc", tmp_path / "t1")

    with psycopg.connect(database_url, autocommit=True) as connection:
        # polled versions observed 27 days ago (between the pairs' first two stored versions)
        for pair in pairs[:10]:
            insert_version(connection, pair, "observed 27 days ago", "now() - interval '27 days'")
        # a reconciliation finds edits made 30 days ago (webhook history items)
        for pair in pairs[10:20]:
            insert_delivery(connection, pair, "edited 30 days ago", now_ms(30))
    dbt_build(database_url, "inc", tmp_path / "t2")

    dbt_build(database_url, "full_build", tmp_path / "full", "--full-refresh")
    assert not mismatches(database_url)
    with psycopg.connect(database_url) as connection:
        (late_days,) = connection.execute(
            "select count(distinct date_day) from inc.fct_custom_field_values_daily"
            " where value_text = 'observed 27 days ago'"
        ).fetchone() or (0,)
    assert late_days >= 1
