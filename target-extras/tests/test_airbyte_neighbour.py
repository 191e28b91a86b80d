"""Airbyte's tables next to ours stay byte-identical: rows, row versions, DDL, indexes, deps."""

from __future__ import annotations

import typing as t
import uuid

import pytest
from extras_testkit import record, schema_msg, state

if t.TYPE_CHECKING:
    from extras_testkit import Landing

AIRBYTE_DDL = """
create table {table} (
    _airbyte_raw_id varchar not null primary key,
    _airbyte_extracted_at timestamptz not null default now(),
    _airbyte_meta jsonb not null,
    _airbyte_generation_id bigint,
    id text,
    name text,
    points numeric check (points >= 0)
);
create index on {table} (_airbyte_extracted_at);
insert into {table} (_airbyte_raw_id, _airbyte_meta, _airbyte_generation_id, id, name, points)
select 'raw-' || n, '{{"changes": []}}'::jsonb, 1, n::text, 'task ' || n, n * 1.5
from generate_series(1, 50) as n;
"""


def _fingerprint(landing: Landing, schema: str, table: str) -> dict[str, t.Any]:
    """Everything that would show a write: contents with row versions, DDL, indexes, deps."""
    qualified = f'"{schema}"."{table}"'
    return {
        "rows": landing.query(
            f"select md5(string_agg(x.t::text || x.xmin::text || x.ctid::text, '|' "
            f"order by x.t::text)), count(*) "
            f"from (select r as t, r.xmin, r.ctid from {qualified} as r) as x"
        ),
        "relation": landing.query(
            "select c.oid, c.relfilenode, c.relkind from pg_class c "
            "join pg_namespace n on n.oid = c.relnamespace where n.nspname = %s and c.relname = %s",
            (schema, table),
        ),
        "columns": landing.query(
            "select attnum, attname, format_type(atttypid, atttypmod), attnotnull, "
            "pg_get_expr(d.adbin, d.adrelid) from pg_attribute a "
            "left join pg_attrdef d on d.adrelid = a.attrelid and d.adnum = a.attnum "
            "where a.attrelid = %s::regclass and a.attnum > 0 order by attnum",
            (qualified,),
        ),
        "indexes": landing.query(
            "select indexdef from pg_indexes where schemaname = %s and tablename = %s "
            "order by indexdef",
            (schema, table),
        ),
        "constraints": landing.query(
            "select conname, pg_get_constraintdef(oid) from pg_constraint "
            "where conrelid = %s::regclass order by conname",
            (qualified,),
        ),
        "dependents": landing.query(
            "select count(*) from pg_depend where refobjid = %s::regclass "
            "and classid = 'pg_rewrite'::regclass",
            (qualified,),
        ),
    }


@pytest.fixture
def airbyte_schema(landing: Landing) -> t.Iterator[str]:
    """A schema of Airbyte's (unique per test), dropped afterwards."""
    name = f"airbyte_{uuid.uuid4().hex[:8]}"
    landing.query(f'create schema "{name}"')
    yield name
    landing.query(f'drop schema "{name}" cascade')


def test_airbyte_tables_are_byte_identical_after_runs(
    landing: Landing, airbyte_schema: str
) -> None:
    """Airbyte tables in its schema and in ours are untouched by a load and by a refused one."""
    theirs = f'"{airbyte_schema}".tasks'
    landing.query(AIRBYTE_DDL.format(table=theirs))
    before_theirs = _fingerprint(landing, airbyte_schema, "tasks")
    assert before_theirs["rows"][0][1] == 50

    # A successful load of a stream named like Airbyte's table, into our schema.
    messages = [schema_msg(), record(id="1", name="ours"), state(1)]
    run = landing.run(messages, airbyte_schemas=[airbyte_schema])
    assert run.returncode == 0, run.stderr
    assert landing.query("select id, name from {s}.tasks") == [("1", "ours")]

    # An Airbyte table appears in our schema: the whole schema is refused, in one line.
    landing.query(AIRBYTE_DDL.format(table='{s}."comments"'))
    before = {"theirs": before_theirs, "ours": _fingerprint(landing, landing.schema, "comments")}
    comments = {"properties": {"id": {"type": "string"}, "name": {"type": "string"}}}
    refused = landing.run(
        [schema_msg("comments", schema=comments), record("comments", id="9", name="x")],
        airbyte_schemas=[airbyte_schema],
    )
    assert refused.returncode == 1
    assert (
        f"target-extras: error: refusing to write the run log into schema '{landing.schema}': "
        f"it holds Airbyte's tables ({landing.schema}.comments has _airbyte_extracted_at)"
    ) in refused.stderr
    assert "Traceback" not in refused.stderr

    # Our schema pointed at Airbyte's: refused before anything is created there.
    inside = landing.run(messages, schema=airbyte_schema, airbyte_schemas=[airbyte_schema])
    assert inside.returncode == 1
    assert "is listed in airbyte_schemas" in inside.stderr
    relations = landing.query(
        "select c.relname from pg_class c join pg_namespace n on n.oid = c.relnamespace "
        "where n.nspname = %s order by 1",
        (airbyte_schema,),
    )
    assert relations == [("tasks",), ("tasks__airbyte_extracted_at_idx",), ("tasks_pkey",)]

    after = {
        "theirs": _fingerprint(landing, airbyte_schema, "tasks"),
        "ours": _fingerprint(landing, landing.schema, "comments"),
    }
    assert after == before


@pytest.mark.parametrize("listed", [["airbyte_raw"], []], ids=["other-list", "empty-list"])
def test_schema_holding_airbyte_tables_is_refused_whatever_the_config(
    landing: Landing, airbyte_schema: str, listed: list[str]
) -> None:
    """A schema with an ``_airbyte_raw_id`` table is Airbyte's even when not in airbyte_schemas."""
    landing.query(AIRBYTE_DDL.format(table=f'"{airbyte_schema}".tasks'))
    before = _fingerprint(landing, airbyte_schema, "tasks")
    run = landing.run(
        [schema_msg(), record(id="1", name="ours"), state(1)],
        schema=airbyte_schema,
        airbyte_schemas=listed,
    )
    assert run.returncode == 1, run.stderr
    assert "Traceback" not in run.stderr
    errors = [line for line in run.stderr.splitlines() if "error:" in line]
    assert errors == [
        f"target-extras: error: refusing to write the run log into schema '{airbyte_schema}': "
        f"it holds Airbyte's tables ({airbyte_schema}.tasks has _airbyte_extracted_at), so it "
        "belongs to Airbyte whatever airbyte_schemas says. Set `schema` to a schema of our own, "
        "e.g. clickup_extras."
    ]
    relations = landing.query(
        "select c.relname from pg_class c join pg_namespace n on n.oid = c.relnamespace "
        "where n.nspname = %s order by 1",
        (airbyte_schema,),
    )
    assert relations == [("tasks",), ("tasks__airbyte_extracted_at_idx",), ("tasks_pkey",)]
    assert _fingerprint(landing, airbyte_schema, "tasks") == before
