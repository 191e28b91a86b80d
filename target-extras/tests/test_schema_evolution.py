"""Schema evolution: new columns, in-place widening that keeps history, clear refusals."""

from __future__ import annotations

import typing as t

import pytest
from extras_testkit import record, schema_msg

if t.TYPE_CHECKING:
    from extras_testkit import Landing

DAY2 = "2026-05-02T00:00:00+00:00"
DAY3 = "2026-05-03T00:00:00+00:00"


def _schema(**properties: t.Any) -> dict:
    return {"properties": {"id": {"type": "string"}, **properties}}


def _types(landing: Landing) -> dict[str, str]:
    return dict(
        landing.query(
            "select column_name, data_type from information_schema.columns "
            "where table_schema = %s and table_name = 'tasks'",
            (landing.schema,),
        )
    )


def test_new_property_adds_a_column_without_new_history(landing: Landing) -> None:
    """A new nullable property is a new column; unchanged records add no version."""
    base = _schema(n={"type": ["null", "integer"]})
    assert landing.run([schema_msg(schema=base), record(id="1", n=1)]).returncode == 0
    wider = _schema(n={"type": ["null", "integer"]}, extra={"type": ["null", "string"]})
    run = landing.run([schema_msg(schema=wider), record(at=DAY2, id="1", n=1)])
    assert run.returncode == 0, run.stderr
    assert _types(landing)["extra"] == "text"
    assert landing.query("select count(*) from {s}.tasks") == [(1,)]
    run = landing.run([schema_msg(schema=wider), record(at=DAY3, id="1", n=1, extra="e")])
    assert run.returncode == 0, run.stderr
    assert landing.query("select n, extra from {s}.tasks order by _extras_row_id") == [
        (1, None),
        (1, "e"),
    ]


@pytest.mark.parametrize(
    ("old", "old_value", "new", "new_value", "pg_type", "history"),
    [
        # integer → number: numeric, exact.
        (
            {"type": ["null", "integer"]},
            7,
            {"type": ["null", "number"]},
            7.5,
            "numeric",
            ["7", "7.5"],
        ),
        # string → string or integer (mixed): jsonb, old text kept as JSON strings.
        (
            {"type": ["null", "string"]},
            "seven",
            {"type": ["null", "string", "integer"]},
            8,
            "jsonb",
            ['"seven"', "8"],
        ),
        # integer → object: jsonb, old numbers kept as JSON numbers.
        (
            {"type": ["null", "integer"]},
            7,
            {"type": ["null", "object"]},
            {"a": 1},
            "jsonb",
            ["7", '{"a": 1}'],
        ),
        # date-time → plain string: text, old timestamps kept in ISO-8601.
        (
            {"type": ["null", "string"], "format": "date-time"},
            "2026-05-01T09:30:00+00:00",
            {"type": ["null", "string"]},
            "soon",
            "text",
            ["2026-05-01T09:30:00+00:00", "soon"],
        ),
    ],
)
def test_widening_keeps_history(
    landing: Landing,
    old: dict,
    old_value: t.Any,
    new: dict,
    new_value: t.Any,
    pg_type: str,
    history: list[str],
) -> None:
    """The column is altered in place; stored versions keep their value; __current works."""
    assert (
        landing.run([schema_msg(schema=_schema(v=old)), record(id="1", v=old_value)]).returncode
        == 0
    )
    run = landing.run([schema_msg(schema=_schema(v=new)), record(at=DAY2, id="1", v=new_value)])
    assert run.returncode == 0, run.stderr
    assert _types(landing)["v"] == pg_type
    assert [
        v for (v,) in landing.query("select v::text from {s}.tasks order by _extras_row_id")
    ] == history
    assert landing.query("select v::text from {s}.tasks__current") == [(history[-1],)]


def test_narrower_schema_writes_into_the_wider_column(landing: Landing) -> None:
    """number → integer and anything → a type jsonb holds: no DDL, values stored as before."""
    wide = _schema(n={"type": ["null", "number"]}, j={"type": ["null", "object", "string"]})
    assert landing.run([schema_msg(schema=wide), record(id="1", n=1.5, j={"a": 1})]).returncode == 0
    narrow = _schema(n={"type": ["null", "integer"]}, j={"type": ["null", "string"]})
    run = landing.run([schema_msg(schema=narrow), record(at=DAY2, id="1", n=2, j="s")])
    assert run.returncode == 0, run.stderr
    assert (_types(landing)["n"], _types(landing)["j"]) == ("numeric", "jsonb")
    assert landing.query("select n::text, j from {s}.tasks order by _extras_row_id") == [
        ("1.5", {"a": 1}),
        ("2", "s"),
    ]


@pytest.mark.parametrize(
    ("old", "new", "what"),
    [
        ({"type": ["null", "integer"]}, {"type": ["null", "boolean"]}, "bigint → boolean"),
        ({"type": ["null", "string"]}, {"type": ["null", "integer"]}, "text → bigint"),
        ({"type": ["null", "boolean"]}, {"type": ["null", "string"]}, "boolean → text"),
    ],
)
def test_incompatible_change_stops_with_one_clear_line(
    landing: Landing, old: dict, new: dict, what: str
) -> None:
    """Names stream and column, what is wrong and what to do; the table is left as it was."""
    value = {"integer": 1, "string": "x", "boolean": True}[old["type"][1]]
    assert landing.run([schema_msg(schema=_schema(v=old)), record(id="1", v=value)]).returncode == 0
    before = _types(landing)
    run = landing.run([schema_msg(schema=_schema(v=new, w={"type": "string"})), record(id="2")])
    assert run.returncode == 1
    errors = [line for line in run.stderr.splitlines() if "error" in line.lower()]
    assert len(errors) == 1, run.stderr
    assert errors[0].startswith("target-extras: error: stream 'tasks', column 'v':")
    assert what in errors[0]
    assert "alter the column yourself and rerun" in errors[0]
    assert "Traceback" not in run.stderr
    assert _types(landing) == before  # not even the new column w was added
    assert landing.query("select count(*) from {s}.tasks") == [(1,)]


def test_widening_blocked_by_a_dependent_view_is_a_clear_error(landing: Landing) -> None:
    """A view of someone else's on the table blocks ALTER TYPE: say so, change nothing."""
    base = _schema(n={"type": ["null", "integer"]})
    assert landing.run([schema_msg(schema=base), record(id="1", n=1)]).returncode == 0
    landing.query("create view {s}.someone_elses as select n from {s}.tasks")
    run = landing.run([schema_msg(schema=_schema(n={"type": ["null", "number"]})), record(id="1")])
    assert run.returncode == 1
    assert "stream 'tasks', column 'n'" in run.stderr
    assert "Drop the dependent views (dbt rebuilds them) and rerun." in run.stderr
    assert "Traceback" not in run.stderr
    assert _types(landing)["n"] == "bigint"
    assert landing.query("select count(*) from {s}.tasks__current") == [(1,)]
