"""Row counts of the landing tables and marts, printed as the readable end of a run."""

from __future__ import annotations

from dataclasses import dataclass

import psycopg
from psycopg import sql


@dataclass
class TableCount:
    """Rows in one relation (history and current rows for landing tables)."""

    schema: str
    name: str
    rows: int
    current_rows: int | None = None


def landing_counts(database_url: str, schema: str = "clickup_extras") -> list[TableCount]:
    """History and current rows of every landing table in `schema`."""
    with psycopg.connect(database_url) as connection:
        tables = connection.execute(
            "select table_name from information_schema.tables "
            "where table_schema = %s and table_type = 'BASE TABLE' "
            "and table_name not like '\\_extras\\_%%' order by table_name",
            (schema,),
        ).fetchall()
        counts = []
        for (table,) in tables:
            rows = _count(connection, schema, table)
            current = _count(connection, schema, f"{table}__current", missing_ok=True)
            counts.append(TableCount(schema, table, rows, current))
        return counts


def mart_counts(database_url: str, schema: str = "clickup_analytics") -> list[TableCount]:
    """Rows of every table dbt built in the marts schema."""
    with psycopg.connect(database_url) as connection:
        tables = connection.execute(
            "select table_name from information_schema.tables "
            "where table_schema = %s order by table_name",
            (schema,),
        ).fetchall()
        return [TableCount(schema, t, _count(connection, schema, t) or 0) for (t,) in tables]


def _count(
    connection: psycopg.Connection, schema: str, table: str, *, missing_ok: bool = False
) -> int | None:
    exists = connection.execute("select to_regclass(%s)", (f'"{schema}"."{table}"',)).fetchone()
    if not exists or exists[0] is None:
        if missing_ok:
            return None
        return 0
    query = sql.SQL("select count(*) from {}.{}").format(
        sql.Identifier(schema), sql.Identifier(table)
    )
    row = connection.execute(query).fetchone()
    return int(row[0]) if row else 0


def format_table(headers: list[str], rows: list[list[object]]) -> str:
    """A plain-text table with aligned columns (numbers right-aligned)."""
    cells = [[str(c) for c in headers]] + [["" if c is None else str(c) for c in r] for r in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]

    def line(row: list[str], raw: list[object] | None) -> str:
        parts = []
        for i, cell in enumerate(row):
            numeric = raw is not None and isinstance(raw[i], int | float)
            parts.append(cell.rjust(widths[i]) if numeric else cell.ljust(widths[i]))
        return "  ".join(parts).rstrip()

    out = [line(cells[0], None), "  ".join("-" * w for w in widths)]
    out += [line(cells[i + 1], rows[i]) for i in range(len(rows))]
    return "\n".join(out)


def webhook_delivery_count(database_url: str, schema: str = "clickup_extras") -> int:
    """Deliveries the webhook receiver stored (duplicates and retries included)."""
    with psycopg.connect(database_url) as connection:
        return _count(connection, schema, "webhook_deliveries") or 0
