"""The Airbyte guard: never write into Airbyte's schemas or tables.

Airbyte drops and recreates its tables at any sync, so we must not write into them, lock them,
or hang constraints or views on them. The checks only read the catalog: a schema is Airbyte's
when it is listed in ``airbyte_schemas`` or when any of its tables has an ``_airbyte_*`` column,
whatever the configuration says.
"""

from __future__ import annotations

import typing as t

from target_extras.errors import AirbyteGuardError

if t.TYPE_CHECKING:
    import psycopg

AIRBYTE_COLUMN_PREFIX = "_airbyte_"


def check_schema(schema: str, airbyte_schemas: t.Iterable[str], *, what: str) -> None:
    """Refuse a target schema that is configured as Airbyte's.

    Raises:
        AirbyteGuardError: If ``schema`` is one of ``airbyte_schemas``.
    """
    if schema in set(airbyte_schemas):
        msg = (
            f"refusing to write {what} into schema '{schema}': it is listed in airbyte_schemas "
            "(owned by Airbyte). Set `schema` to a schema of our own, e.g. clickup_extras."
        )
        raise AirbyteGuardError(msg)


def airbyte_tables(pg: psycopg.Connection, schema: str) -> list[tuple[str, str]]:
    """Tables of ``schema`` with ``_airbyte_*`` columns: (table, first such column), by name."""
    rows = pg.execute(
        """
        select c.relname, min(a.attname)
        from pg_attribute a
        join pg_class c on c.oid = a.attrelid
        join pg_namespace n on n.oid = c.relnamespace
        where n.nspname = %s and c.relkind in ('r', 'p', 'v', 'm', 'f')
          and a.attnum > 0 and not a.attisdropped
          and left(a.attname, length(%s)) = %s
        group by c.relname
        order by c.relname
        """,
        (schema, AIRBYTE_COLUMN_PREFIX, AIRBYTE_COLUMN_PREFIX),
    ).fetchall()
    return [(table, column) for table, column in rows]


def check_schema_catalog(pg: psycopg.Connection, schema: str, *, what: str) -> None:
    """Refuse a target schema that holds Airbyte's tables, listed in airbyte_schemas or not.

    Raises:
        AirbyteGuardError: Naming up to three of the tables and one Airbyte column of each.
    """
    found = airbyte_tables(pg, schema)
    if found:
        shown = ", ".join(f"{schema}.{table} has {column}" for table, column in found[:3])
        more = f" and {len(found) - 3} more" if len(found) > 3 else ""
        msg = (
            f"refusing to write {what} into schema '{schema}': it holds Airbyte's tables "
            f"({shown}{more}), so it belongs to Airbyte whatever airbyte_schemas says. Set "
            "`schema` to a schema of our own, e.g. clickup_extras."
        )
        raise AirbyteGuardError(msg)


def airbyte_columns(pg: psycopg.Connection, schema: str, table: str) -> list[str]:
    """The ``_airbyte_*`` columns of an existing table (empty if none or no table)."""
    rows = pg.execute(
        """
        select a.attname
        from pg_attribute a
        join pg_class c on c.oid = a.attrelid
        join pg_namespace n on n.oid = c.relnamespace
        where n.nspname = %s and c.relname = %s
          and a.attnum > 0 and not a.attisdropped
          and left(a.attname, length(%s)) = %s
        order by a.attnum
        """,
        (schema, table, AIRBYTE_COLUMN_PREFIX, AIRBYTE_COLUMN_PREFIX),
    ).fetchall()
    return [name for (name,) in rows]


def check_table(pg: psycopg.Connection, schema: str, table: str, *, stream: str) -> None:
    """Refuse to write into an existing table that carries Airbyte's metadata columns.

    Raises:
        AirbyteGuardError: Naming the table and the Airbyte columns found.
    """
    found = airbyte_columns(pg, schema, table)
    if found:
        msg = (
            f"refusing to write stream '{stream}' into {schema}.{table}: the table has Airbyte "
            f"columns ({', '.join(found)}), so it belongs to Airbyte. Point `schema` elsewhere or "
            "rename the stream."
        )
        raise AirbyteGuardError(msg)
