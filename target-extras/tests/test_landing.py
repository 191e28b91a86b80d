"""End-to-end tests: the target runs as a subprocess and we read back what it loaded."""

from __future__ import annotations

import typing as t

from extras_testkit import record, schema_msg, state

if t.TYPE_CHECKING:
    from extras_testkit import Landing


def test_table_and_view_follow_the_contract(landing: Landing) -> None:
    """Columns, types, identity, key index and the __current view are as in the contract."""
    run = landing.run([schema_msg(), record(id="1", name="a"), state(1)])
    assert run.returncode == 0, run.stderr
    columns = dict(
        landing.query(
            "select column_name, data_type from information_schema.columns "
            "where table_schema = %s and table_name = 'tasks'",
            (landing.schema,),
        )
    )
    assert columns == {
        "id": "text",
        "name": "text",
        "archived": "boolean",
        "orderindex": "bigint",
        "points": "numeric",
        "date_updated": "timestamp with time zone",
        "tags": "jsonb",
        "type_config": "jsonb",
        "mixed": "jsonb",
        "last_seen": "text",
        "_extras_row_id": "bigint",
        "_extras_extracted_at": "timestamp with time zone",
        "_extras_loaded_at": "timestamp with time zone",
        "_extras_record_hash": "text",
        "_extras_batch_id": "uuid",
        "_extras_deleted_at": "timestamp with time zone",
    }
    identity = landing.query(
        "select is_identity, identity_generation from information_schema.columns "
        "where table_schema = %s and table_name = 'tasks' and column_name = '_extras_row_id'",
        (landing.schema,),
    )
    assert identity == [("YES", "ALWAYS")]
    indexes = [
        row[0]
        for row in landing.query(
            "select indexdef from pg_indexes where schemaname = %s and tablename = 'tasks'",
            (landing.schema,),
        )
    ]
    assert any("(id, _extras_row_id DESC)" in definition for definition in indexes), indexes
    assert landing.query("select id, name from {s}.tasks__current") == [("1", "a")]
    assert landing.query(
        "select _extras_extracted_at = '2026-05-01T10:00:00Z', _extras_batch_id is not null, "
        "length(_extras_record_hash) from {s}.tasks"
    ) == [(True, True, 64)]


def test_change_only_history_and_current_view(landing: Landing) -> None:
    """The same record twice is one row; a change is a second row; __current shows it."""
    first = [schema_msg(), record(id="1", name="a", points=1.5)]
    assert landing.run(first).returncode == 0
    same = [schema_msg(), record(at="2026-05-02T10:00:00+00:00", id="1", name="a", points=1.50)]
    assert landing.run(same).returncode == 0
    assert landing.query("select count(*) from {s}.tasks") == [(1,)]
    changed = [schema_msg(), record(at="2026-05-03T10:00:00+00:00", id="1", name="b", points=1.5)]
    assert landing.run(changed).returncode == 0
    assert landing.query("select name from {s}.tasks order by _extras_row_id") == [("a",), ("b",)]
    assert landing.query("select id, name from {s}.tasks__current") == [("1", "b")]


def test_replay_of_the_whole_input_adds_zero_rows(landing: Landing) -> None:
    """Loading the same input twice (several versions per key, two streams) adds nothing."""
    messages = [
        schema_msg(),
        schema_msg("events", keys=[], schema={"properties": {"body": {"type": "object"}}}),
        record(id="1", name="a"),
        record(at="2026-05-01T10:01:00+00:00", id="1", name="b"),
        record(at="2026-05-01T10:02:00+00:00", id="1", name="a"),
        record(id="2", name="x"),
        record("events", body={"n": 1}),
        record("events", body={"n": 2}),
        state(1),
    ]
    assert landing.run(messages).returncode == 0
    before = landing.query(
        "select count(*) from {s}.tasks union all select count(*) from {s}.events"
    )
    assert before == [(4,), (2,)]
    replay = landing.run(messages)
    assert replay.returncode == 0, replay.stderr
    after = landing.query(
        "select count(*) from {s}.tasks union all select count(*) from {s}.events"
    )
    assert after == before


def test_volatile_properties_do_not_create_history(landing: Landing) -> None:
    """A change in an x-extras-volatile property alone adds no version."""
    assert landing.run([schema_msg(), record(id="1", name="a", last_seen="t1")]).returncode == 0
    later = record(at="2026-05-09T00:00:00+00:00", id="1", name="a", last_seen="t2")
    assert landing.run([schema_msg(), later]).returncode == 0
    assert landing.query("select count(*), min(last_seen) from {s}.tasks") == [(1, "t1")]


def test_versions_of_a_key_within_one_batch_match_record_by_record(
    landing: Landing, other_landing: Landing
) -> None:
    """A batch keeps every change in arrival order and drops consecutive duplicates."""
    names = ["a", "a", "b", "b", "a", "c", "c"]
    messages = [schema_msg()] + [
        record(at=f"2026-05-01T10:0{i}:00+00:00", id="1", name=n) for i, n in enumerate(names)
    ]
    assert landing.run(messages).returncode == 0
    batched = landing.query(
        "select name, _extras_record_hash from {s}.tasks order by _extras_row_id"
    )
    assert [n for n, _ in batched] == ["a", "b", "a", "c"]

    # The same input one record per batch gives the same history.
    assert other_landing.run(messages, batch_size_rows=1).returncode == 0
    single = other_landing.query(
        "select name, _extras_record_hash from {s}.tasks order by _extras_row_id"
    )
    assert single == batched


def test_jsonb_round_trips_arrays_objects_and_numbers(landing: Landing) -> None:
    """Objects and arrays come back as the same JSON; numbers keep their precision."""
    config = {"options": [{"id": "u1", "name": "Ünïcode ✓ 🚀", "orderindex": 0}], "precision": 2}
    messages = [
        schema_msg(),
        record(
            id="1",
            tags=["a", "b,c", 'quote"d', "back\\slash", "tab\there", "line\nbreak"],
            type_config=config,
            mixed=42,
            points="<points>",
            date_updated="2026-05-01T09:30:00.123456+00:00",
        ),
        record(id="2", mixed="forty-two", type_config={"money": "<money>"}),
    ]
    # Raw JSON number literals, as a tap would write them (Python floats would round them).
    text = (
        landing.singer_lines(messages)
        .replace('"<points>"', "0.1234567890123456789")
        .replace('"<money>"', "12345678901234567890.5")
    )
    assert landing.run(text).returncode == 0
    rows = landing.query("select id, tags, type_config, mixed from {s}.tasks order by id")
    assert rows[0] == (
        "1",
        ["a", "b,c", 'quote"d', "back\\slash", "tab\there", "line\nbreak"],
        config,
        42,
    )
    assert rows[1][3] == "forty-two"
    assert landing.query(
        "select points::text, (type_config->>'money') from {s}.tasks order by id"
    ) == [("0.1234567890123456789", None), (None, "12345678901234567890.5")]


def test_keyless_stream_appends_only_new_hashes(landing: Landing) -> None:
    """Without key properties, a record whose hash is stored already is skipped."""
    events = schema_msg("events", keys=[], schema={"properties": {"body": {"type": "object"}}})
    first = [events, record("events", body={"a": 1}), record("events", body={"a": 1})]
    assert landing.run(first).returncode == 0
    second = [events, record("events", body={"a": 1}), record("events", body={"a": 2})]
    assert landing.run(second).returncode == 0
    assert landing.query("select body from {s}.events order by _extras_row_id") == [
        ({"a": 1},),
        ({"a": 2},),
    ]
    assert landing.query("select count(*) from {s}.events__current") == [(2,)]
