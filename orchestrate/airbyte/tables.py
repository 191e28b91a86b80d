"""Airbyte's tables as they stand in PostgreSQL: row counts and content checksums per table."""

from __future__ import annotations

from dataclasses import dataclass

import psycopg
from psycopg import sql


@dataclass(frozen=True)
class TableFingerprint:
    """Rows of one table and an order-independent checksum of their content."""

    name: str
    rows: int
    checksum: str


def table_fingerprints(database_url: str, schema: str) -> dict[str, TableFingerprint]:
    """Every base table of `schema` (none when the schema is absent), by table name.

    The checksum is the md5 of the sorted md5s of the rows' text forms, so two fingerprints are
    equal exactly when the tables hold the same rows (in any physical order).
    """
    with psycopg.connect(database_url) as connection:
        names = [
            row[0]
            for row in connection.execute(
                "select table_name from information_schema.tables "
                "where table_schema = %s and table_type = 'BASE TABLE' order by table_name",
                (schema,),
            ).fetchall()
        ]
        fingerprints = {}
        for name in names:
            query = sql.SQL(
                "select count(*), md5(coalesce(string_agg(md5(t::text), '' "
                "order by md5(t::text)), '')) from {}.{} as t"
            ).format(sql.Identifier(schema), sql.Identifier(name))
            row = connection.execute(query).fetchone()
            assert row is not None
            fingerprints[name] = TableFingerprint(name, int(row[0]), str(row[1]))
        return fingerprints
