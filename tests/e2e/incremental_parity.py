"""Incremental = full refresh: rebuild the whole dbt project into other schemas and compare.

Every incremental model the pipeline built (in the schemas of `DBT_TARGET_SCHEMA`, default
`clickup_analytics`) must hold exactly the rows a `dbt build --full-refresh` into a scratch target
schema produces from the same landing tables. Compared with `except all`, so duplicates count.
Build bookkeeping is left out: the columns ending in `built_horizon_xid` hold the build horizon
(a transaction id) of the build that wrote the row, which two builds never share
(transform/macros/build_horizon.sql).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import psycopg

from tests.e2e.marts_scenario import dbt


def incremental_models(manifest: dict[str, Any]) -> list[tuple[str, str]]:
    """(schema, table) of every model the manifest materializes incrementally."""
    return sorted(
        (node["schema"], node["alias"])
        for node in manifest["nodes"].values()
        if node["resource_type"] == "model" and node["config"]["materialized"] == "incremental"
    )


BOOKKEEPING_SUFFIX = "built_horizon_xid"


def compared_columns(connection: psycopg.Connection, schema: str, table: str) -> str:
    """The select list of `schema.table` that builds are compared on: every column but the
    build bookkeeping ones, in table order."""
    rows = connection.execute(
        "select column_name from information_schema.columns"
        " where table_schema = %s and table_name = %s order by ordinal_position",
        (schema, table),
    ).fetchall()
    names = [name for (name,) in rows if not name.endswith(BOOKKEEPING_SUFFIX)]
    return ", ".join(f'"{name}"' for name in names) or "*"


def incremental_mismatches(
    environment: dict[str, str],
    database_url: str,
    target_path: Path,
    *,
    full_schema: str = "fullref",
) -> tuple[list[str], dict[str, int]]:
    """Full-refresh the project into `full_schema` and compare each incremental model with the
    pipeline's incremental build. Returns (one line per differing model, rows per model)."""
    built_schema = environment.get("DBT_TARGET_SCHEMA", "clickup_analytics")
    result = dbt(
        {**environment, "DBT_TARGET_SCHEMA": full_schema},
        "build",
        "--full-refresh",
        target_path=target_path,
    )
    assert result.returncode == 0, result.stdout[-6000:]
    manifest = json.loads((target_path / "manifest.json").read_text())
    models = incremental_models(manifest)
    assert models, "the manifest has no incremental model"
    mismatches: list[str] = []
    rows: dict[str, int] = {}
    with psycopg.connect(database_url) as connection:
        for schema, table in models:
            incremental_schema = built_schema + schema.removeprefix(full_schema)
            full = f'"{schema}"."{table}"'
            incremental = f'"{incremental_schema}"."{table}"'
            columns = compared_columns(connection, schema, table)
            only_incremental, only_full, count = connection.execute(
                f"""
                select
                    (select count(*) from (select {columns} from {incremental}
                        except all select {columns} from {full}) as a),
                    (select count(*) from (select {columns} from {full}
                        except all select {columns} from {incremental}) as b),
                    (select count(*) from {full})
                """
            ).fetchone()
            rows[table] = count
            if only_incremental or only_full:
                mismatches.append(
                    f"{table}: {only_incremental} rows only incremental, {only_full} only full"
                )
    return mismatches, rows
