"""Benchmark section: Airbyte's `source-clickup-api` (through PyAirbyte) on a sized sandbox.

Runs the connector's own manifest (airbyte-source-clickup-api 0.2.0, only its base URL pointed at
the sandbox), every stream selected as an Airbyte user would, from its own virtualenv
(`.airbyte/venv`) into a scratch schema of PostgreSQL (`DATABASE_URL`, else a throwaway
embedded server), and reports:

- requests used, and the minimum the API allows for the whole workspace (the same count as
  `tests.bench.tap_extraction.minimum_requests` for a full run over every task);
- wall time of the read against requests ÷ rate (the rate-limit bound for those requests);
- 429s received (the sandbox counts them);
- completeness against the sandbox's ground truth (`tests.bench.completeness`): tasks incl.
  folderless, closed and archived, subtasks, time entries for all members, typed custom-field
  values. What the connector cannot fetch is 0 found.

Presets (`--size`), with the sandbox at a scaled rate limit of 100 requests per 6 s (ClickUp's
100 a minute, ten times faster; the connector's own backoff gives up after about 31 s of 429s,
which a real 60-second window exceeds):

| size   | tasks  | members | months |
|--------|--------|---------|--------|
| small  | 300    | 8       | 2      |
| medium | 2,000  | 15      | 4      |
| large  | 10,000 | 25      | 6      |

    .venv/bin/python -m tests.bench.airbyte_extraction --size small
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

import psycopg
from psycopg import sql

from orchestrate.airbyte.install import CONNECTOR_VERSION, AirbyteInstallError
from orchestrate.airbyte.sync import AirbyteSyncError, run_airbyte_sync
from orchestrate.embedded_postgres import throwaway_database
from orchestrate.sandbox_runner import SANDBOX_TOKEN, running_sandbox
from tests.bench.completeness import Extracted, completeness_figures
from tests.bench.tap_extraction import minimum_requests

SECTION = "airbyte_extraction"
SYSTEM = f"airbyte source-clickup-api {CONNECTOR_VERSION} (PyAirbyte)"
PRESETS: dict[str, dict[str, int]] = {
    "small": {"tasks": 300, "members": 8, "months": 2},
    "medium": {"tasks": 2_000, "members": 15, "months": 4},
    "large": {"tasks": 10_000, "members": 25, "months": 6},
}
RATE_LIMIT = 100
RATE_WINDOW_S = 6.0
SEED = 42
SCHEMA = "airbyte_bench_raw"
NOTES = [
    "The connector runs with include_closed_tasks=true (its most complete setting; the default "
    "is false) and every stream selected.",
    "The connector's time_tracking stream reads GET /task/{id}/time (ClickUp's legacy tracked "
    "time), which the sandbox does not serve (its OpenAPI reference has no such operation): those "
    "requests get 404, which the connector ignores, so time entries found is 0 here; "
    "time_entries_upper_bound_count is what it could reach on real ClickUp (entries on the tasks "
    "it found).",
    "The sandbox also answers 404 for goals, space tags, time-entry tags and list comments; "
    "these count as requests, as they would against ClickUp.",
    "minimum_requests_count is the fewest requests that read the whole workspace, as counted for "
    "our tap (tests.bench.tap_extraction.minimum_requests on every task, first run).",
]


def progress(message: str) -> None:
    print(f"[{SECTION}] {message}", file=sys.stderr, flush=True)


def workspace_minimum(export: dict[str, Any], members: int) -> int:
    """The fewest requests that read the whole workspace (every task, every time entry)."""
    deleted = set(export.get("deleted", {}).get("tasks", []))
    task_ids = {task["id"] for task in export["tasks"] if task["id"] not in deleted}
    starts = [entry["start_ms"] for entry in export["time_entries"]] or [export["now_ms"]]
    parts = minimum_requests(
        export,
        task_ids=task_ids,
        scan_span_ms=int(export["now_ms"]) - min(starts),
        members=members,
        first_run=True,
    )
    return sum(parts.values())


def describe_extraction(database_url: str, schema: str) -> Extracted:
    """What the connector wrote into `schema`, as ids (tables or columns it lacks: nothing)."""
    extracted = Extracted()
    with psycopg.connect(database_url) as connection:
        columns = _columns(connection, schema)
        if "id" in columns.get("task", set()):
            extracted.task_ids = {
                str(row[0]) for row in _select(connection, schema, "task", "id") if row[0]
            }
            if "custom_fields" in columns["task"]:
                # kept only as a raw JSON array: reported as raw, never as typed values
                for task_id, fields in _select(connection, schema, "task", "id, custom_fields"):
                    for item in _json_list(fields):
                        if isinstance(item, dict) and item.get("value") is not None:
                            extracted.raw_custom_field_values.add((str(task_id), str(item["id"])))
        if "intervals" in columns.get("time_tracking", set()):
            # legacy tracked time per task: each interval carries the time entry's id
            for (intervals,) in _select(connection, schema, "time_tracking", "intervals"):
                for interval in _json_list(intervals):
                    if isinstance(interval, dict) and interval.get("id"):
                        extracted.time_entry_ids.add(str(interval["id"]))
    return extracted


def time_entries_upper_bound(export: dict[str, Any], extracted: Extracted) -> int:
    """Live time entries on the tasks the connector found: the most its `time_tracking` stream
    (one `GET /task/{id}/time` per task found) could deliver on real ClickUp."""
    deleted = set(export.get("deleted", {}).get("time_entries", []))
    return sum(
        1
        for entry in export["time_entries"]
        if entry["id"] not in deleted and entry.get("task_id") in extracted.task_ids
    )


def _columns(connection: psycopg.Connection, schema: str) -> dict[str, set[str]]:
    rows = connection.execute(
        "select table_name, column_name from information_schema.columns where table_schema = %s",
        (schema,),
    ).fetchall()
    columns: dict[str, set[str]] = {}
    for table, column in rows:
        columns.setdefault(table, set()).add(column)
    return columns


def _select(
    connection: psycopg.Connection, schema: str, table: str, expression: str
) -> list[tuple[Any, ...]]:
    query = sql.SQL("select {} from {}.{}").format(
        sql.SQL(expression), sql.Identifier(schema), sql.Identifier(table)
    )
    return connection.execute(query).fetchall()


def _json_list(value: Any) -> list[Any]:
    if isinstance(value, str):
        value = json.loads(value)
    return value if isinstance(value, list) else []


def _drop_schema(database_url: str) -> None:
    with psycopg.connect(database_url, autocommit=True) as connection:
        connection.execute(
            sql.SQL("drop schema if exists {} cascade").format(sql.Identifier(SCHEMA))
        )


def measure(size: str) -> dict[str, Any]:
    """Run the whole measurement for `size` ("small" | "medium" | "large")."""
    if size not in PRESETS:
        raise SystemExit(f"{SECTION}: unknown size {size!r}; use one of {', '.join(PRESETS)}")
    preset = PRESETS[size]
    rate_per_s = RATE_LIMIT / RATE_WINDOW_S
    parameters: dict[str, Any] = {
        **{f"{name}_count": value for name, value in preset.items() if name != "months"},
        "history_months_count": preset["months"],
        "rate_limit_requests_count": RATE_LIMIT,
        "rate_window_s": RATE_WINDOW_S,
        "streams": "all streams of the connector's manifest",
    }
    sandbox_args = [
        "--tasks", str(preset["tasks"]), "--members", str(preset["members"]),
        "--months", str(preset["months"]), "--seed", str(SEED),
        "--rate-limit", str(RATE_LIMIT), "--rate-window-seconds", str(RATE_WINDOW_S),
    ]  # fmt: skip
    figures: dict[str, float] = {}
    error: str | None = None
    with (
        throwaway_database("abb") as (database_url, _embedded),
        running_sandbox(*sandbox_args) as box,
    ):
        _drop_schema(database_url)
        progress(f"{size}: {preset['tasks']} tasks, {preset['members']} members; Airbyte reading")
        try:
            # "append" into an empty schema: PyAirbyte's "replace" cannot rename the `user` table
            result = run_airbyte_sync(
                database_url, base_url=box.api_url, api_token=SANDBOX_TOKEN, streams=["*"],
                schema=SCHEMA, write_strategy="append", quiet=True,
            )  # fmt: skip
        except (AirbyteInstallError, AirbyteSyncError) as failure:
            error = str(failure)
            result = None
            progress(f"failed: {error}")
        stats = box.stats()
        export = box.export()
        requests = int(stats["total"])
        minimum = workspace_minimum(export, preset["members"])
        figures = {
            "requests_count": requests,
            "minimum_requests_count": minimum,
            "requests_vs_minimum_ratio": round(requests / minimum, 3),
            "throttled_429_count": int(stats["throttled"]),
            "not_found_404_count": int(stats.get("by_status", {}).get("404", 0)),
            "requests_over_rate_s": round(requests / rate_per_s, 2),
        }
        if result is not None:
            figures["wall_time_s"] = round(result.read_seconds, 2)
            figures["process_time_s"] = round(result.seconds, 2)
            figures["wall_vs_requests_over_rate_ratio"] = round(
                result.read_seconds / max(figures["requests_over_rate_s"], 1e-9), 3
            )
            figures["records_count"] = result.total_records
            extracted = describe_extraction(database_url, SCHEMA)
            figures.update(completeness_figures(export, extracted))
            figures["time_entries_upper_bound_count"] = time_entries_upper_bound(export, extracted)
        _drop_schema(database_url)
    entry: dict[str, Any] = {"system": SYSTEM, "figures": figures}
    if error:
        entry["error"] = error
    return {
        "section": SECTION,
        "title": "Airbyte source-clickup-api through PyAirbyte: requests, rate-limit bound, completeness",
        "parameters": parameters,
        "results": [entry],
        "headline": {
            key: figures[key]
            for key in ("tasks_pct", "requests_vs_minimum_ratio")
            if key in figures
        },
        "by_endpoint": stats.get("by_endpoint", {}),
        "notes": NOTES,
    }


def table(report: dict[str, Any]) -> str:
    """A short two-column table of the figures."""
    lines = [report["title"], *(f"  note: {note}" for note in report.get("notes", []))]
    for entry in report["results"]:
        lines.append(
            f"  {entry['system']}" + (f"  ERROR: {entry['error']}" if "error" in entry else "")
        )
        width = max((len(name) for name in entry["figures"]), default=0)
        lines += [f"    {name:<{width}}  {value}" for name, value in entry["figures"].items()]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", choices=sorted(PRESETS), default="small")
    args = parser.parse_args(argv)
    report = measure(args.size)
    print(table(report), file=sys.stderr)
    print(json.dumps(report, indent=2))
    return 1 if any("error" in entry for entry in report["results"]) else 0


if __name__ == "__main__":
    sys.exit(main())
