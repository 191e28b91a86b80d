"""The batch insert probes the history by index: its cost must not grow with the table."""

from __future__ import annotations

import typing as t
import uuid

import psycopg
import pytest
from extras_testkit import record, schema_msg
from target_extras import copy_loader
from target_extras.landing_table import METADATA_COLUMNS, LandingTable, existing_columns

if t.TYPE_CHECKING:
    from extras_testkit import Landing

HISTORY_ROWS = 50_000
BATCH_ROWS = 10_000


@pytest.mark.parametrize("keys", [["id"], []], ids=["keyed", "keyless"])
def test_insert_plan_never_scans_the_history_table(landing: Landing, keys: list[str]) -> None:
    """With a large analysed history and a full batch staged, no sequential scan of the table."""
    assert landing.run([schema_msg(keys=keys), record(id="0", name="seed")]).returncode == 0
    landing.query(
        "insert into {s}.tasks (id, name, _extras_extracted_at, _extras_loaded_at, "
        "_extras_record_hash, _extras_batch_id) "
        "select n::text, 'name ' || n, now(), now(), md5(n::text), gen_random_uuid() "
        f"from generate_series(1, {HISTORY_ROWS}) as n"
    )
    landing.query("analyze {s}.tasks")
    with psycopg.connect(landing.database_url) as pg:
        columns = existing_columns(pg, landing.schema, "tasks") or {}
        table = LandingTable(
            "tasks",
            landing.schema,
            "tasks",
            keys,
            {k: v for k, v in columns.items() if k not in METADATA_COLUMNS},
        )
        copy_loader.create_stage(pg, table)
        pg.execute(
            "insert into _extras_stage (id, name, _extras_extracted_at, _extras_record_hash, "
            "_extras_seq) select n::text, 'new', now(), md5('x' || n), n "
            f"from generate_series(1, {BATCH_ROWS}) as n"
        )
        pg.execute("analyze _extras_stage")
        statement = (
            copy_loader.keyed_insert_sql(table) if keys else copy_loader.keyless_insert_sql(table)
        )
        plan = "\n".join(
            line
            for (line,) in pg.execute(
                psycopg.sql.SQL("explain ") + statement, {"batch_id": uuid.uuid4()}
            ).fetchall()
        )
        pg.rollback()
    assert "Seq Scan on _extras_stage" in plan
    assert "Seq Scan on tasks" not in plan, plan
    assert "Hash" not in plan, plan
