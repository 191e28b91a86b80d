"""Benchmark: dbt full refresh vs incremental build of the field-history marts after a 1% change.

The landing tables are created by the real target-extras (the tap's SCHEMA messages and a few
real records of `task_custom_field_values` and `custom_fields`); the history is then synthesised
straight into `clickup_extras.task_custom_field_values` with SQL (`generate_series`), row for row
as target-extras appends it: one row per stored version, `_extras_row_id` in load order, the
`_extras_*` metadata set. Each (task, field) pair gets VERSIONS versions spread over the last
HISTORY_DAYS days.

Then: `dbt build --full-refresh` of the field-history models (fct_webhook_events,
fct_custom_field_changes, fct_custom_field_values_daily and what they read), timed; `vacuum
(analyze)` of the landing table and the marts, not timed (what autovacuum does between two
scheduled builds; back to back it would run during the incremental build); 1% of the
history's row count is appended as new versions of as many distinct pairs, dated now, as the
target would append them; the incremental `dbt build` of the same models, timed; three times (three
successive 1% changes), the median build standing for the incremental figures. Data tests are
excluded from both builds (they read whole tables by design and are not what is measured).

Sizes (history rows): small 50,000; medium 1,000,000; large 1,000,000 (as medium: the acceptance
figure). `incremental_speedup_ratio` = full-refresh build time / incremental build time, both as
dbt reports the build (run_results.json `elapsed_time`: the models' execution, not the dbt
process's ~5 s start-up, which is the same for both and is reported as `wall_time_s` beside it).

    python -m bench.dbt_incremental --size small
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
import typing as t
from pathlib import Path

import psycopg
from singer_sdk.singerlib.json import serialize_json

from bench.section_cli import run_section_cli
from bench.singer_input import records as value_records
from bench.singer_input import schema_message as value_schema_message
from orchestrate.database_url import libpq_environment
from orchestrate.embedded_postgres import throwaway_database

REPO_ROOT = Path(__file__).resolve().parents[1]
TRANSFORM = REPO_ROOT / "transform"
DBT_EXE = Path(
    os.environ.get("CLICKUP_DBT")
    or REPO_ROOT / ".meltano" / "utilities" / "dbt-postgres" / "venv" / "bin" / "dbt"
)
TARGET_EXE = Path(sys.executable).with_name("target-extras")
SCHEMA = "clickup_extras"
FIELDS_PER_TASK = 10
VERSIONS = 10
HISTORY_DAYS = 30
CHANGED_PCT = 1.0
INCREMENTAL_RUNS = 3
SIZES = {"small": 50_000, "medium": 1_000_000, "large": 1_000_000}
SELECTION = "+fct_custom_field_values_daily +fct_custom_field_changes +fct_webhook_events"
MODELS = ["fct_webhook_events", "fct_custom_field_changes", "fct_custom_field_values_daily"]


def _log(message: str) -> None:
    print(f"[dbt_incremental] {message}", file=sys.stderr, flush=True)


def create_landing_tables(url: str, work: Path) -> None:
    """Let target-extras create its tables: SCHEMA messages and a few real records."""
    from tap_clickup_extended.streams.task_streams import CustomFieldsStream, TasksStream

    lines = [value_schema_message()]
    templates = list(value_records(200))
    lines += templates
    # tasks: no records, but the table (int_tasks_deleted, upstream of the daily values, reads it)
    lines += [
        {
            "type": "SCHEMA",
            "stream": stream.name,
            "schema": stream.schema,
            "key_properties": list(stream.primary_keys),
        }
        for stream in (CustomFieldsStream, TasksStream)
    ]
    seen: dict[str, dict[str, t.Any]] = {}
    for message in templates:
        record = message["record"]
        seen.setdefault(
            record["field_id"],
            {
                "id": record["field_id"],
                "team_id": record["team_id"],
                "name": record["field_name"],
                "type": record["field_type"],
            },
        )
    lines += [
        {"type": "RECORD", "stream": CustomFieldsStream.name, "record": definition}
        for definition in seen.values()
    ]
    lines.append({"type": "STATE", "value": {"bookmarks": {}}})
    messages = work / "landing.jsonl"
    messages.write_text("\n".join(serialize_json(line) for line in lines) + "\n")
    config = work / "target.json"
    config.write_text(json.dumps({"database_url": url, "schema": SCHEMA}))
    with messages.open("rb") as stdin:
        result = subprocess.run(
            [str(TARGET_EXE), "--config", str(config)],
            stdin=stdin,
            capture_output=True,
            check=False,
        )
    if result.returncode != 0:
        tail = result.stderr.decode(errors="replace").splitlines()[-10:]
        raise SystemExit("target-extras failed to create the landing tables:\n" + "\n".join(tail))


def landing_columns(connection: psycopg.Connection, table: str) -> list[str]:
    rows = connection.execute(
        "select column_name from information_schema.columns"
        " where table_schema = %s and table_name = %s and is_generated = 'NEVER'"
        " and is_identity = 'NO' order by ordinal_position",
        (SCHEMA, table),
    ).fetchall()
    return [name for (name,) in rows]


def version_rows_sql(columns: list[str], source: str, overrides: dict[str, str]) -> str:
    """A select list: the template's columns with some replaced by expressions."""
    return ", ".join(overrides.get(c, f'{source}."{c}"') for c in columns)


#: The bookkeeping of a version appended now: extracted and loaded now, a record hash of its own.
APPENDED_NOW = {
    "_extras_extracted_at": "now()",
    "_extras_loaded_at": "now()",
    "_extras_record_hash": "md5(latest._extras_record_hash || clock_timestamp()::text)",
}


def append_landing_versions(
    connection: psycopg.Connection,
    table: str,
    overrides: dict[str, str],
    pick: str,
    params: t.Sequence[t.Any] = (),
) -> None:
    """Append to `table` a new version of the keys `pick` selects (an SQL tail over their current
    version, alias `latest`), copied from it with `overrides` (column -> SQL expression) applied,
    as target-extras appends them. In the connection's transaction."""
    columns = landing_columns(connection, table)
    quoted = ", ".join(f'"{c}"' for c in columns)
    connection.execute(
        f"""
        insert into "{SCHEMA}".{table} ({quoted})
        select {version_rows_sql(columns, "latest", overrides)}
        from "{SCHEMA}".{table}__current as latest
        {pick}
        """,
        params,
    )


def synthesise_history(url: str, rows: int) -> int:
    """Replace the landing history with `rows` synthetic versions (VERSIONS per pair)."""
    pairs = max(rows // VERSIONS, FIELDS_PER_TASK)
    tasks = max(pairs // FIELDS_PER_TASK, 1)
    with psycopg.connect(url, autocommit=True) as connection:
        columns = landing_columns(connection, "task_custom_field_values")
        # versions of each pair at evenly spread times over the last HISTORY_DAYS days, inserted in
        # time order (the target appends in load order), each with its own value and hash
        overrides = {
            "task_id": "'bt' || lpad(series.task_n::text, 7, '0')",
            "has_value": "true",
            "value_text": "'value ' || series.version_n || ' of ' || series.task_n",
            "task_date_updated": "series.version_at",
            "_extras_extracted_at": "series.version_at",
            "_extras_loaded_at": "series.version_at",
            "_extras_batch_id": "md5('bench-' || series.version_n)::uuid",
            "_extras_record_hash": "md5(series.task_n || '|' || template.field_id || '|' || series.version_n)",
            "_extras_deleted_at": "null",
        }
        select_list = version_rows_sql(columns, "template", overrides)
        quoted = ", ".join(f'"{c}"' for c in columns)
        # one real record of each field, as the target stored it, is the template of its versions
        connection.execute(
            f"""
            create temporary table templates as
            select distinct on (field_id) *, dense_rank() over (order by field_id) - 1 as slot
            from "{SCHEMA}".task_custom_field_values
            order by field_id
            """
        )
        connection.execute(f'truncate "{SCHEMA}".task_custom_field_values')
        connection.execute(
            f"""
            insert into "{SCHEMA}".task_custom_field_values ({quoted})
            with series as (
                select
                    task_n,
                    slot,
                    version_n,
                    now() - interval '{HISTORY_DAYS} days'
                        + (interval '{HISTORY_DAYS} days' * (version_n - 1) / {VERSIONS})
                        + (interval '1 hour' * (task_n % 20)) as version_at
                from generate_series(0, {tasks - 1}) as task_n,
                    generate_series(0, {FIELDS_PER_TASK - 1}) as slot,
                    generate_series(1, {VERSIONS}) as version_n
            )
            select {select_list}
            from series
            inner join templates as template
                on template.slot = (series.slot + series.task_n) % (select count(*) from templates)
            order by series.version_at, series.task_n, series.slot
            """
        )
        connection.execute(f'analyze "{SCHEMA}".task_custom_field_values')
        (count,) = connection.execute(
            f'select count(*) from "{SCHEMA}".task_custom_field_values'
        ).fetchone() or (0,)
    return int(count)


def append_versions(
    url: str, overrides: dict[str, str], pick: str, params: t.Sequence[t.Any] = ()
) -> None:
    """Append a new version of the custom-field value pairs `pick` selects, committed at once
    (append_landing_versions)."""
    with psycopg.connect(url, autocommit=True) as connection:
        append_landing_versions(connection, "task_custom_field_values", overrides, pick, params)


def _change(url: str, history_rows: int, run: int = 1) -> int:
    """Append a new version, dated now, for CHANGED_PCT % of the history's row count of pairs
    (other pairs on each run: no run finds the pages of the one before in the cache)."""
    changed = max(int(history_rows * CHANGED_PCT / 100), 1)
    overrides = {
        "value_text": "'changed at ' || now()::text",
        "task_date_updated": "now()",
        "_extras_extracted_at": "now()",
        "_extras_loaded_at": "now()",
        "_extras_batch_id": "md5('bench-change')::uuid",
        "_extras_record_hash": "md5(latest._extras_record_hash || 'changed')",
    }
    append_versions(
        url,
        overrides,
        f"order by md5(latest.task_id || latest.field_id || '{run}') limit {changed}",
    )
    return changed


def _drop_bench_schemas(url: str) -> None:
    """Drop the marts an earlier run left in DATABASE_URL (the bench's own bench_analytics*
    schemas): the first build must be a first build, and dbt's `--empty` parse run cannot render
    the incremental branches (it wraps each ref in an aliased subquery)."""
    with psycopg.connect(url, autocommit=True) as connection:
        schemas = connection.execute(
            "select nspname from pg_namespace where nspname like 'bench\\_analytics%'"
        ).fetchall()
        for (schema,) in schemas:
            connection.execute(f'drop schema "{schema}" cascade')


def _vacuum(url: str) -> None:
    """What autovacuum does between two scheduled builds: vacuum and analyze the landing table and
    the freshly built marts. Back to back, autovacuum would still be at work on them during the
    incremental build, competing for the 2 cores and holding locks that dbt's COMMENT statements
    (persist_docs) wait for until autovacuum gives way (deadlock_timeout, 1 s)."""
    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute(f'vacuum (analyze) "{SCHEMA}".task_custom_field_values')
        for model in MODELS:
            connection.execute(f"vacuum (analyze) bench_analytics.{model}")


def dbt_environment(url: str, schema: str) -> dict[str, str]:
    """dbt's environment: the connection (libpq variables) and the target schema."""
    return {
        **os.environ,
        **libpq_environment(url),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        "DBT_TARGET_SCHEMA": schema,
    }


def dbt_build_command(target: Path, *extra: str, data_tests: bool = False) -> list[str]:
    """`dbt build` of the field-history models (SELECTION), without unit tests (and without data
    tests unless asked), its target and logs in `target`."""
    return [
        str(DBT_EXE),
        "build",
        "--select",
        *SELECTION.split(),
        *([] if data_tests else ["--exclude-resource-type", "test"]),
        "--exclude-resource-type",
        "unit_test",
        *extra,
        "--project-dir",
        str(TRANSFORM),
        "--profiles-dir",
        str(TRANSFORM),
        "--target-path",
        str(target),
        "--log-path",
        str(target / "logs"),
    ]


def _dbt_build(url: str, work: Path, *extra: str) -> dict[str, t.Any]:
    """`dbt build` of the field-history models (no data tests): wall and build time, rows."""
    environment = dbt_environment(url, "bench_analytics")
    command = dbt_build_command(work / "target", *extra)
    started = time.monotonic()
    result = subprocess.run(command, env=environment, capture_output=True, text=True, check=False)
    wall = time.monotonic() - started
    if result.returncode != 0:
        raise SystemExit("dbt build failed:\n" + "\n".join(result.stdout.splitlines()[-25:]))
    run_results = json.loads((work / "target" / "run_results.json").read_text())
    rows_written = 0
    marts_time = 0.0
    for node in run_results["results"]:
        if node["unique_id"].split(".")[-1] in MODELS:
            rows_written += int(node.get("adapter_response", {}).get("rows_affected", 0) or 0)
            marts_time += float(node["execution_time"])
            _log(f"  {node['unique_id'].split('.')[-1]}: {node['execution_time']:.2f} s")
    return {
        "wall_time_s": round(wall, 2),
        "build_time_s": round(float(run_results["elapsed_time"]), 2),
        "marts_time_s": round(marts_time, 2),
        "rows_written": rows_written,
    }


def _table_rows(url: str) -> dict[str, int]:
    with psycopg.connect(url) as connection:
        return {
            model: int(
                (
                    connection.execute(f"select count(*) from bench_analytics.{model}").fetchone()
                    or (0,)
                )[0]
            )
            for model in MODELS
        }


def measure(size: str) -> dict[str, t.Any]:
    """Run the benchmark at `size` (small | medium | large); returns the section's result."""
    if size not in SIZES:
        raise SystemExit(f"unknown size {size!r}; choose one of {', '.join(SIZES)}")
    history_rows = SIZES[size]
    # dbt's target and logs are kept for inspection (.bench/ is ignored by git)
    work = REPO_ROOT / ".bench" / "dbt_incremental" / size
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    with throwaway_database("dbtb") as (url, _):
        _drop_bench_schemas(url)
        _log("creating the landing tables with target-extras")
        create_landing_tables(url, work)
        _log(f"synthesising {history_rows:,} history rows")
        landed = synthesise_history(url, history_rows)
        # (no `--empty` warm-up: dbt renders every ref as an aliased subquery there, and
        # fct_custom_field_changes aliases its refs; build_time_s excludes parsing anyway)
        _log("dbt build --full-refresh")
        full = _dbt_build(url, work, "--full-refresh")
        full_rows = _table_rows(url)
        _log(
            f"full refresh: {full['build_time_s']} s build ({full['marts_time_s']} s marts),"
            f" {full['wall_time_s']} s wall; {full_rows}"
        )
        _log("vacuum analyze of the landing table and the marts (not timed)")
        _vacuum(url)
        runs = []
        for run in range(1, INCREMENTAL_RUNS + 1):
            changed = _change(url, landed, run)
            _log(
                f"incremental {run} of {INCREMENTAL_RUNS}: appended {changed:,} new versions"
                f" ({CHANGED_PCT}%); dbt build"
            )
            measured = _dbt_build(url, work)
            runs.append(measured)
            _log(
                f"incremental {run}: {measured['build_time_s']} s build ({measured['marts_time_s']} s"
                f" marts), {measured['wall_time_s']} s wall"
            )
        incremental_rows = _table_rows(url)
        _log(f"after the incremental builds: {incremental_rows}")
    # the median run (by build time) stands for the incremental build: one sample of a ~3 s build
    # on a shared machine varies by ±30%
    incremental = sorted(runs, key=lambda measured: measured["build_time_s"])[len(runs) // 2]
    ratio = full["build_time_s"] / max(incremental["build_time_s"], 0.01)
    return {
        "section": "dbt",
        "title": "dbt: full refresh vs incremental after a 1% change (field-history marts)",
        "parameters": {
            "field_history_rows": landed,
            "changed_pct": CHANGED_PCT,
            "changed_rows": changed,
            "versions_per_pair": VERSIONS,
            "history_days": HISTORY_DAYS,
            "daily_lookback_days": 3,
            "incremental_runs": INCREMENTAL_RUNS,
        },
        "results": [
            {
                "system": "dbt full refresh",
                "figures": {
                    "build_time_s": full["build_time_s"],
                    "marts_time_s": full["marts_time_s"],
                    "wall_time_s": full["wall_time_s"],
                    "rows_written_count": full["rows_written"],
                    "changes_rows_count": full_rows["fct_custom_field_changes"],
                    "daily_rows_count": full_rows["fct_custom_field_values_daily"],
                },
            },
            {
                "system": "dbt incremental",
                "details": {
                    "build_times_s": [measured["build_time_s"] for measured in runs],
                    "marts_times_s": [measured["marts_time_s"] for measured in runs],
                },
                "figures": {
                    "build_time_s": incremental["build_time_s"],
                    "marts_time_s": incremental["marts_time_s"],
                    "wall_time_s": incremental["wall_time_s"],
                    "rows_written_count": incremental["rows_written"],
                    "changes_rows_count": incremental_rows["fct_custom_field_changes"],
                    "daily_rows_count": incremental_rows["fct_custom_field_values_daily"],
                },
            },
        ],
        "notes": [incremental_note([measured["build_time_s"] for measured in runs])],
        "headline": {
            "incremental_speedup_ratio": round(ratio, 1),
            "marts_time_speedup_ratio": round(
                full["marts_time_s"] / max(incremental["marts_time_s"], 0.01), 1
            ),
            "wall_time_speedup_ratio": round(
                full["wall_time_s"] / max(incremental["wall_time_s"], 0.01), 1
            ),
        },
    }


def incremental_note(build_times_s: list[float]) -> str:
    """How the incremental figures were taken (printed under the section's table)."""
    times = ", ".join(f"{seconds} s" for seconds in build_times_s)
    return (
        f"Incremental: the median of {len(build_times_s)} builds, each after its own 1% change of"
        f" other pairs (build times {times}); the full refresh is one build. Before them the"
        " landing table and the marts are vacuumed and analyzed, untimed (autovacuum's work"
        " between two scheduled builds)."
    )


def main(argv: list[str] | None = None) -> int:
    """Run the section at ``--size``; a table on stderr, the JSON on stdout."""
    return run_section_cli(measure, __doc__, argv)


if __name__ == "__main__":
    raise SystemExit(main())
