"""Both incremental paths of fct_custom_field_changes, and the daily history built on them.

The landing history is synthesised the way target-extras appends it (bench.dbt_incremental):
pairs of 10 versions each. Between builds, new versions are appended that take each path:
- appended pairs: a changed value, an unchanged one (a new hash only), a removal, a return;
- recomputed pairs: a version observed before the stored current change (out of order).
After each incremental build the stored rows an appended pair already had are the same physical
rows (its history is not rewritten), and in the end every field-history mart equals a full refresh.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import psycopg

from bench.dbt_incremental import (
    MODELS,
    SCHEMA,
    append_versions,
    create_landing_tables,
    dbt_build_command,
    dbt_environment,
    synthesise_history,
)
from tests.e2e.incremental_parity import compared_columns

PAIRS = "select task_id, field_id from {schema}.task_custom_field_values__current order by md5(task_id || field_id)"


def dbt_build(url: str, schema: str, target: Path, *extra: str) -> None:
    """The field-history models and their data tests; the out-of-order version below is dated
    inside the daily history's lookback (5 days here)."""
    lookback = ("--vars", '{"field_history_daily_lookback_days": 5}')
    result = subprocess.run(
        dbt_build_command(target, *lookback, *extra, data_tests=True),
        env=dbt_environment(url, schema),
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-6000:]


def append_to(url: str, pairs: list[tuple[str, str]], overrides: dict[str, str]) -> None:
    """A new version of each of `pairs`, copied from its current one with `overrides` applied."""
    defaults = {
        "_extras_extracted_at": "now()",
        "_extras_loaded_at": "now()",
        "_extras_record_hash": "md5(latest._extras_record_hash || clock_timestamp()::text)",
    }
    append_versions(
        url,
        {**defaults, **overrides},
        "where (latest.task_id, latest.field_id) in (select * from unnest(%s::text[], %s::text[]))",
        ([task for task, _ in pairs], [field for _, field in pairs]),
    )


def row_versions(url: str, pairs: list[tuple[str, str]]) -> dict[tuple, tuple]:
    """(task_id, field_id, version_number) -> (ctid, xmin) of the changes mart's rows of `pairs`."""
    with psycopg.connect(url) as connection:
        rows = connection.execute(
            """
            select task_id, field_id, version_number, ctid::text, xmin::text
            from inc.fct_custom_field_changes
            where (task_id, field_id) in (select * from unnest(%s::text[], %s::text[]))
            """,
            ([task for task, _ in pairs], [field for _, field in pairs]),
        ).fetchall()
    return {row[:3]: row[3:] for row in rows}


def mismatches(url: str) -> list[str]:
    found = []
    with psycopg.connect(url) as connection:
        for model in MODELS:
            c = compared_columns(connection, "full_build", model)
            only_inc, only_full, rows = connection.execute(
                f"""
                select
                    (select count(*) from (select {c} from inc.{model} except all select {c} from full_build.{model}) as a),
                    (select count(*) from (select {c} from full_build.{model} except all select {c} from inc.{model}) as b),
                    (select count(*) from full_build.{model})
                """
            ).fetchone() or (0, 0, 0)
            if only_inc or only_full or (rows == 0 and model != "fct_webhook_events"):
                examples = connection.execute(
                    f"""
                    (select 'incremental' as side, * from (select {c} from inc.{model}
                        except all select {c} from full_build.{model}) as a limit 2)
                    union all
                    (select 'full' as side, * from (select {c} from full_build.{model}
                        except all select {c} from inc.{model}) as b limit 2)
                    """
                ).fetchall()
                found.append(
                    f"{model}: {only_inc} only incremental, {only_full} only full, {rows} rows;"
                    f" for example {examples}"
                )
    return found


def test_appended_and_recomputed_pairs_equal_a_full_refresh(
    database_url: str, tmp_path: Path
) -> None:
    create_landing_tables(database_url, tmp_path)
    synthesise_history(database_url, 2_000)
    with psycopg.connect(database_url) as connection:
        pairs = [tuple(row) for row in connection.execute(PAIRS.format(schema=SCHEMA)).fetchall()]
    changed, unchanged, removed, out_of_order = pairs[:20], pairs[20:30], pairs[30:40], pairs[40:50]
    dbt_build(database_url, "inc", tmp_path / "t1")
    before = row_versions(database_url, changed + unchanged + removed + out_of_order)

    append_to(database_url, changed, {"value_text": "'changed'", "task_date_updated": "now()"})
    append_to(database_url, unchanged, {"task_date_updated": "now()"})
    append_to(database_url, removed, {"_extras_deleted_at": "now()", "task_date_updated": "now()"})
    append_to(
        database_url,
        out_of_order,
        # between the last two stored versions (3 days apart)
        {
            "value_text": "'late'",
            "task_date_updated": "latest.task_date_updated - interval '1 hour'",
        },
    )
    dbt_build(database_url, "inc", tmp_path / "t2")
    after = row_versions(database_url, changed + unchanged + removed + out_of_order)

    def kept(group: list[tuple[str, str]], below: int) -> bool:
        """Whether the group's rows numbered below `below` are still the same physical rows."""
        keys = [k for k in before if (k[0], k[1]) in set(group) and k[2] < below]
        return bool(keys) and all(after.get(k) == before[k] for k in keys)

    # appended pairs: every stored change but the current one (version 10 of 10) untouched
    assert kept(changed, 10) and kept(removed, 10)
    # a version without a new value adds no change; only the current one is rewritten (watermark)
    assert kept(unchanged, 10)
    assert {k: v for k, v in after.items() if (k[0], k[1]) in set(unchanged)}.keys() == {
        k for k in before if (k[0], k[1]) in set(unchanged)
    }
    # an out-of-order version: the pair is recomputed whole (its first row is written again)
    assert not kept(out_of_order, 2)

    # the removed fields come back, the changed ones change again
    append_to(database_url, removed, {"value_text": "'back'", "task_date_updated": "now()"})
    append_to(database_url, changed, {"value_text": "'again'", "task_date_updated": "now()"})
    dbt_build(database_url, "inc", tmp_path / "t3")

    dbt_build(database_url, "full_build", tmp_path / "full", "--full-refresh")
    assert not mismatches(database_url)
