"""State after commit, the Airbyte guard, clear errors, ACTIVATE_VERSION, the run log."""

from __future__ import annotations

import json
import subprocess
import typing as t

import psycopg
from extras_testkit import TARGET_ENV, record, schema_msg, state

if t.TYPE_CHECKING:
    from extras_testkit import Landing


def test_state_is_emitted_only_after_its_records_are_committed(landing: Landing) -> None:
    """Each STATE line appears on stdout only once the records before it are queryable."""
    config = landing.config(state_flush_interval_seconds=0)
    proc = subprocess.Popen(
        [str(landing.executable), "--config", str(config)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    assert proc.stdin is not None
    assert proc.stdout is not None
    try:
        proc.stdin.write(landing.singer_lines([schema_msg()]))
        for n in range(1, 4):
            batch = [record(id=f"{n}-{i}", name="x") for i in range(50)]
            proc.stdin.write(landing.singer_lines([*batch, state(n)]))
            proc.stdin.flush()
            line = proc.stdout.readline()  # blocks until the target emits the state
            assert json.loads(line) == state(n)["value"]
            assert landing.query("select count(*) from {s}.tasks") == [(50 * n,)]
            assert landing.query("select last_state from {s}._extras_runs") == [
                (state(n)["value"],)
            ]
        proc.stdin.close()
        assert proc.wait(timeout=60) == 0
        assert proc.stdout.read() == ""  # the final state was already emitted, not repeated
    finally:
        proc.kill()


def test_no_state_is_emitted_when_loading_fails(landing: Landing) -> None:
    """A failing batch ends the run non-zero, without the state that would cover it."""
    messages = [schema_msg(), record(id="1", name="ok"), {"type": "STATE", "value": {"n": 1}}]
    bad = {"type": "RECORD", "stream": "tasks", "record": {"id": None, "name": "no key"}}
    run = landing.run(
        [*messages, bad, {"type": "STATE", "value": {"n": 2}}],
        validate_records=False,
        state_flush_interval_seconds=0,
    )
    assert run.returncode != 0
    assert run.states == [{"n": 1}]
    assert "null key property 'id'" in run.stderr
    assert landing.query("select status, last_state from {s}._extras_runs") == [
        ("failed", {"n": 1})
    ]


def test_airbyte_table_is_refused_and_left_unchanged(landing: Landing) -> None:
    """A table with _airbyte_* columns in our schema: the schema is refused, the table untouched."""
    landing.query("create schema {s}")
    landing.query("create table {s}.tasks (_airbyte_raw_id text, id text, name text)")
    landing.query("insert into {s}.tasks values ('r1', '1', 'airbyte')")
    before = landing.query(
        "select column_name, data_type from information_schema.columns "
        "where table_schema = %s and table_name = 'tasks' order by ordinal_position",
        (landing.schema,),
    )
    run = landing.run([schema_msg(), record(id="1", name="ours")])
    assert run.returncode != 0
    assert (
        f"target-extras: error: refusing to write the run log into schema '{landing.schema}': "
        f"it holds Airbyte's tables ({landing.schema}.tasks has _airbyte_raw_id)" in run.stderr
    )
    assert "Traceback" not in run.stderr
    after = landing.query(
        "select column_name, data_type from information_schema.columns "
        "where table_schema = %s and table_name = 'tasks' order by ordinal_position",
        (landing.schema,),
    )
    assert after == before
    assert landing.query("select * from {s}.tasks") == [("r1", "1", "airbyte")]
    assert landing.query(
        "select count(*) from pg_indexes where schemaname = %s and tablename = 'tasks'",
        (landing.schema,),
    ) == [(0,)]


def test_airbyte_schema_is_refused(landing: Landing) -> None:
    """A schema listed in airbyte_schemas is never written, not even the run log."""
    run = landing.run([schema_msg(), record(id="1")], airbyte_schemas=[landing.schema])
    assert run.returncode != 0
    assert "airbyte_schemas" in run.stderr
    assert "Traceback" not in run.stderr
    assert landing.query(
        "select count(*) from pg_namespace where nspname = %s", (landing.schema,)
    ) == [(0,)]


def test_unreachable_database_is_one_clear_line(landing: Landing) -> None:
    """No traceback, no password, the location and a hint."""
    url = "postgresql://loader:s3cr3t-pw@/nodb?host=/nonexistent-socket-dir"
    run = landing.run([schema_msg()], database_url=url)
    assert run.returncode == 1
    lines = [line for line in run.stderr.splitlines() if "error" in line.lower()]
    assert len(lines) == 1, run.stderr
    assert lines[0].startswith(
        "target-extras: error: cannot connect to PostgreSQL at loader@/nonexistent-socket-dir/nodb:"
    )
    assert lines[0].endswith("Check database_url / DATABASE_URL.")
    assert "s3cr3t-pw" not in run.stderr
    assert "Traceback" not in run.stderr


def test_activate_version_marks_missing_keys_deleted(landing: Landing) -> None:
    """Keys absent from a completed version get a deletion version; __current drops them."""

    def full_sync(version: int, ids: list[str], at: str) -> list[dict]:
        announce = {"type": "ACTIVATE_VERSION", "stream": "tasks", "version": version}
        records = [{**record(at=at, id=i, name=f"n{i}"), "version": version} for i in ids]
        return [schema_msg(), announce, *records, announce]

    first = landing.run(full_sync(1, ["1", "2", "3"], "2026-05-01T00:00:00+00:00"))
    assert first.returncode == 0, first.stderr
    second_input = full_sync(2, ["1", "3"], "2026-05-02T00:00:00+00:00")
    second = landing.run(second_input)
    assert second.returncode == 0, second.stderr
    assert landing.query("select id from {s}.tasks__current order by id") == [("1",), ("3",)]
    assert landing.query(
        "select id, name, _extras_deleted_at is not null from {s}.tasks order by _extras_row_id"
    ) == [("1", "n1", False), ("2", "n2", False), ("3", "n3", False), ("2", "n2", True)]
    assert landing.run(second_input).returncode == 0  # replay: nothing new
    assert landing.query("select count(*) from {s}.tasks") == [(4,)]
    # The key comes back with the same content: a new live version.
    back = landing.run(full_sync(3, ["1", "2", "3"], "2026-05-03T00:00:00+00:00"))
    assert back.returncode == 0, back.stderr
    assert landing.query("select id from {s}.tasks__current order by id") == [
        ("1",),
        ("2",),
        ("3",),
    ]
    # Replaying the older sync (version 2) afterwards deletes nothing: version 3 is newer.
    assert landing.run(second_input).returncode == 0
    assert landing.query("select count(*) from {s}.tasks__current") == [(3,)]
    assert landing.query(
        "select count(*), max(_extras_extracted_at) = '2026-05-02T00:00:00Z' from {s}.tasks "
        "where _extras_deleted_at is not null"
    ) == [(1, True)]  # the deletion is stamped with the time of the sync that saw it


SPACE_SCHEMA = {
    "type": "object",
    "properties": {"id": {"type": "string"}, "team_id": {"type": ["string", "null"]}},
}


def test_activate_version_deletes_only_within_the_workspaces_it_covers(landing: Landing) -> None:
    """A run that read workspace A says nothing about workspace B: B's keys stay live."""

    def full_sync(version: int, rows: list[tuple[str, str]], at: str) -> list[dict]:
        announce = {"type": "ACTIVATE_VERSION", "stream": "spaces", "version": version}
        records = [
            {**record("spaces", at=at, id=i, team_id=team), "version": version} for i, team in rows
        ]
        return [schema_msg("spaces", schema=SPACE_SCHEMA), *records, announce]

    both = [("a1", "A"), ("a2", "A"), ("b1", "B")]
    assert landing.run(full_sync(1, both, "2026-05-01T00:00:00+00:00")).returncode == 0
    # The next run reads only workspace A, where a2 was deleted.
    only_a = full_sync(2, [("a1", "A")], "2026-05-02T00:00:00+00:00")
    assert landing.run(only_a).returncode == 0
    assert landing.query("select id from {s}.spaces__current order by id") == [("a1",), ("b1",)]
    # A run of workspace B alone leaves A alone too.
    only_b = full_sync(3, [("b1", "B")], "2026-05-03T00:00:00+00:00")
    assert landing.run(only_b).returncode == 0
    assert landing.query("select id from {s}.spaces__current order by id") == [("a1",), ("b1",)]


def test_run_log_records_each_run(landing: Landing) -> None:
    """One row per run with per-stream counts, the last state and the status."""
    messages = [schema_msg(), record(id="1"), record(id="1"), record(id="2"), state(7)]
    assert landing.run(messages).returncode == 0
    rows = landing.query(
        "select status, streams, last_state, finished_at >= started_at from {s}._extras_runs"
    )
    assert len(rows) == 1
    status, streams, last_state, ordered = rows[0]
    assert (status, last_state, ordered) == ("succeeded", state(7)["value"], True)
    assert streams["tasks"]["rows_received"] == 3
    assert streams["tasks"]["rows_inserted"] == 2
    with psycopg.connect(landing.database_url) as conn:
        run_id_type = conn.execute(
            "select data_type from information_schema.columns where table_schema = %s "
            "and table_name = '_extras_runs' and column_name = 'run_id'",
            (landing.schema,),
        ).fetchone()
    assert run_id_type == ("uuid",)


def test_database_connections_killed_between_batches_are_replaced(landing: Landing) -> None:
    """PostgreSQL dropping the target's connections (a restart, a failover) loses nothing."""
    config = landing.config(state_flush_interval_seconds=0)
    proc = subprocess.Popen(
        [str(landing.executable), "--config", str(config)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=TARGET_ENV,
    )
    assert proc.stdin is not None
    assert proc.stdout is not None
    try:
        proc.stdin.write(landing.singer_lines([schema_msg(), record(id="1", name="a"), state(1)]))
        proc.stdin.flush()
        assert json.loads(proc.stdout.readline()) == state(1)["value"]
        killed = landing.query(
            "select count(pg_terminate_backend(pid)) from pg_stat_activity "
            "where application_name = 'target-extras' and datname = current_database() "
            "and pid <> pg_backend_pid()"
        )
        assert killed[0][0] >= 1
        proc.stdin.write(landing.singer_lines([record(id="2", name="b"), state(2)]))
        proc.stdin.close()
        assert proc.wait(timeout=60) == 0, proc.stderr.read() if proc.stderr else ""
    finally:
        proc.kill()
    assert landing.query("select id from {s}.tasks order by id") == [("1",), ("2",)]
    assert landing.query("select status, last_state from {s}._extras_runs") == [
        ("succeeded", state(2)["value"])
    ]
