"""Benchmark section: Airbyte's `source-clickup-api` (through PyAirbyte), full sync on the same
workspace as our tap and tap-clickup.

Runs the connector's own manifest (airbyte-source-clickup-api 0.2.0, only its base URL pointed at
the sandbox), every stream selected as an Airbyte user would, from its own virtualenv
(`.airbyte/venv`, installed before the measured run) into a scratch schema of PostgreSQL
(`DATABASE_URL`, else a throwaway embedded server). Sizes: the workspaces of
`bench/sizes.py`, the same for every extraction section (small: 300 tasks at 100 requests
per 2 s; medium: 2,000 tasks at 50 per 6 s; large: 10,000 tasks at ClickUp's 100 a minute).

Figures as for the Singer taps (`bench/extraction.py`, `bench/completeness.py`):
requests (the sandbox's counts) vs the workspace minimum, wall time vs requests ÷ rate, 429s,
completeness. Its own besides: `not_found_count` (requests answered 404: streams the sandbox
does not serve), `process_time_s` (the PyAirbyte process, start-up included) and
`time_entries_upper_bound_count`. `wall_time_s` is PyAirbyte's `source.read()`, which also
writes the records into PostgreSQL (PyAirbyte does not time the two apart); when the sync
failed, the whole process. Requests by endpoint and records by stream are in the result's
`details`, the findings about the connector in its `notes` (`bench/README.md`).

The connector has no rate-limit setting: on a 429 it backs off and gives up after about 31 s of
them. A window longer than that (`large`: ClickUp's real 60 s) can make the sync fail; that is
then this system's measured outcome, not a crash of the section: its result has
`"status": "failed"`, a one-line `error`, and the figures it reached (requests, 429s, and
completeness of what it had written by then).

    .venv/bin/python -m bench.airbyte_extraction --size small
"""

from __future__ import annotations

import json
import re
import time
from dataclasses import dataclass, field
from typing import Any

import psycopg
from psycopg import sql

from bench import completeness as ground_truth
from bench.completeness import Found
from bench.extraction import (
    counted,
    full_sync_minimum,
    log,
    rate_figures,
    start_ms,
)
from bench.section_cli import run_section_cli
from bench.sizes import Workspace, workspace
from orchestrate.airbyte.install import CONNECTOR_VERSION, ensure_installed
from orchestrate.airbyte.sync import AirbyteSyncError, run_airbyte_sync
from orchestrate.embedded_postgres import throwaway_database
from orchestrate.sandbox_runner import SANDBOX_TOKEN, Sandbox, running_sandbox

SECTION = "airbyte_extraction"
SYSTEM = f"Airbyte source-clickup-api {CONNECTOR_VERSION} (PyAirbyte)"
SCHEMA = "airbyte_bench_raw"
ERROR_CHARS = 300
#: The Airbyte CDK's words when its backoff on 429s gives up on a stream.
RETRY_BUDGET = "Rate limit retry budget exhausted"
#: The connector's backoff on 429s gives up after about this long (measured against the sandbox).
GIVES_UP_AFTER_S = 31
NOTES = [
    "Runs with include_closed_tasks=true (its most complete setting; the default is false) and "
    "every stream selected.",
    "No rate-limit setting: on 429s it backs off, and gives up on a stream after about "
    f"{GIVES_UP_AFTER_S} s of them (its rate-limit retry budget); the other streams go on and "
    "the sync ends failed. A 60-second window (ClickUp's real one, size large) can do that.",
    "Its time_tracking stream reads GET /task/{id}/time (ClickUp's legacy tracked time, one "
    "request per task), which the sandbox does not serve (ClickUp's OpenAPI reference has no "
    "such operation): it ignores the 404s, so time entries found is 0 here; "
    "time_entries_upper_bound_count is the most it could reach on real ClickUp (the entries "
    "since the start date on the tasks it found).",
    "The sandbox also answers 404 for goals, space tags, time-entry tags and list comments; "
    "they count as requests, as they would against ClickUp.",
    "It reads lists only through folders (GET /folder/{id}/list), so tasks of folderless lists "
    "are never reached, and its task requests ask for neither archived tasks nor subtasks.",
    "Its task schema declares no custom_fields and PyAirbyte keeps only declared columns, so no "
    "custom-field value arrives (were they kept, raw values would count as typed only where "
    "already canonical, as for tap-clickup).",
]


@dataclass
class AirbyteRun:
    """One PyAirbyte sync: its times and records, or the one-line error it failed with."""

    wall_time_s: float
    process_time_s: float
    records_by_stream: dict[str, int] = field(default_factory=dict)
    error: str | None = None

    @property
    def record_count(self) -> int:
        return sum(self.records_by_stream.values())


def sync(box: Sandbox, database_url: str, token: str = SANDBOX_TOKEN) -> AirbyteRun:
    """Every stream of the connector into SCHEMA; a connector failure is returned, not raised."""
    started = time.monotonic()
    try:
        # "append" into an empty schema: PyAirbyte's "replace" cannot rename the `user` table
        result = run_airbyte_sync(
            database_url, base_url=box.api_url, api_token=token, streams=["*"],
            schema=SCHEMA, write_strategy="append", quiet=True,
        )  # fmt: skip
    except AirbyteSyncError as failure:
        elapsed = round(time.monotonic() - started, 2)
        records = row_counts(database_url, SCHEMA)  # what it had written when it gave up
        return AirbyteRun(elapsed, elapsed, records, error=short_error(str(failure)))
    return AirbyteRun(result.read_seconds, result.seconds, dict(result.records))


def short_error(message: str) -> str:
    """PyAirbyte's long failure text as one short line: the streams it names as failed, and why
    (the rate-limit retry budget, HTTP statuses); any other text squeezed onto one line."""
    streams = list(dict.fromkeys(re.findall(r"(\w+): AirbyteTracedException\(", message)))
    if not streams:
        return " ".join(message.split())[:ERROR_CHARS]
    causes = ["rate-limit retry budget exhausted (HTTP 429)"] if RETRY_BUDGET in message else []
    causes += [
        f"HTTP {code}" for code in dict.fromkeys(re.findall(r"status code '(\d+)'", message))
    ]
    why = "; ".join(causes) or "see its log in .airbyte/logs"
    return f"Airbyte's connector failed: streams {', '.join(streams)} did not sync: {why}"[
        :ERROR_CHARS
    ]


def found_in(database_url: str, schema: str, export: dict[str, Any]) -> Found:
    """What the connector wrote into `schema` (tables or columns it lacks: nothing found)."""
    found = Found()
    expected = ground_truth.expected_field_values(export)
    with psycopg.connect(database_url) as connection:
        columns = _columns(connection, schema)
        task_columns = columns.get("task", set())
        if "id" in task_columns:
            raw = "custom_fields" if "custom_fields" in task_columns else "null"
            for task_id, fields in _select(connection, schema, "task", f"id, {raw}"):
                if task_id:
                    found.task_ids.add(str(task_id))
                    ground_truth.add_raw_values(found, str(task_id), _json_list(fields), expected)
        if "intervals" in columns.get("time_tracking", set()):
            # legacy tracked time per task: each interval carries the time entry's id
            for (intervals,) in _select(connection, schema, "time_tracking", "intervals"):
                for interval in _json_list(intervals):
                    if isinstance(interval, dict) and interval.get("id"):
                        found.time_entry_ids.add(str(interval["id"]))
    return found


def time_entries_upper_bound(export: dict[str, Any], found: Found, start: int) -> int:
    """Time entries since `start` on the tasks found: the most its `time_tracking` stream (one
    `GET /task/{id}/time` per task found) could deliver on real ClickUp."""
    return sum(
        1
        for entry in ground_truth.live_time_entries(export, start)
        if entry.get("task_id") in found.task_ids
    )


def row_counts(database_url: str, schema: str) -> dict[str, int]:
    """Rows per table of `schema` (PyAirbyte's own bookkeeping tables left out)."""
    with psycopg.connect(database_url) as connection:
        tables = [t for t in _columns(connection, schema) if not t.startswith("_airbyte")]
        return {
            table: int(_select(connection, schema, table, "count(*)")[0][0])
            for table in sorted(tables)
        }


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


def measure_workspace(ws: Workspace, token: str = SANDBOX_TOKEN) -> dict[str, Any]:
    """One full sync on the sandbox workspace `ws`: the result entry (system, status, figures).

    `token`: the API token the connector gets (a token the sandbox does not know: every
    request 401).
    """
    ensure_installed()  # outside the measured run
    with (
        throwaway_database("abb") as (database_url, _embedded),
        running_sandbox(*ws.sandbox_args()) as box,
    ):
        _drop_schema(database_url)
        log(f"{SECTION}: full sync of every stream at {ws.rate_limit} requests per "
            f"{ws.window_seconds:g} s")  # fmt: skip
        counts = counted(box, lambda: sync(box, database_url, token))
        export = box.export()
        start = start_ms(ws)
        found = found_in(database_url, SCHEMA, export)
        _drop_schema(database_url)
    run = counts.run
    figures = rate_figures(counts, full_sync_minimum(export, ws, start), ws)
    figures["process_time_s"] = round(run.process_time_s, 2)
    figures["not_found_count"] = counts.by_status.get("404", 0)
    figures.update(ground_truth.figures(export, found, start))
    figures["time_entries_upper_bound_count"] = time_entries_upper_bound(export, found, start)
    entry: dict[str, Any] = {
        "system": SYSTEM,
        "status": "failed" if run.error else "ok",
        "figures": figures,
        "notes": list(NOTES),
        "details": {
            "requests_by_endpoint": dict(sorted(counts.by_endpoint.items())),
            "records_by_stream": run.records_by_stream,
        },
    }
    if run.error:
        entry["error"] = run.error
        entry["notes"].insert(0, f"The sync failed after {run.wall_time_s:g} s; the figures are "
                              "what it had reached by then.")  # fmt: skip
    return entry


def measure(size: str) -> dict[str, Any]:
    """The section: one full sync of every stream on the size's workspace."""
    ws = workspace(size)
    log(f"{SECTION}: sandbox with {ws.tasks} tasks, {ws.members} members, {ws.months} months")
    entry = measure_workspace(ws)
    figures = entry["figures"]
    log(
        f"{SECTION}: {entry['status']}: {figures['requests_count']:.0f} requests (minimum "
        f"{figures['minimum_requests_count']:.0f}), {figures['wall_time_s']} s, "
        f"{figures['throttled_count']:.0f} answered 429"
        + (f": {entry['error']}" if entry["status"] == "failed" else "")
    )
    return {
        "section": SECTION,
        "title": f"Extraction: {SYSTEM}, full sync (requests, wall time, completeness)",
        "parameters": {
            **ws.parameters(),
            "streams": "every stream of the connector's manifest",
            "include_closed_tasks": True,
        },
        "results": [entry],
        "headline": {
            "requests_vs_minimum_ratio": figures["requests_vs_minimum_ratio"],
            "completeness_pct": figures["completeness_pct"],
        },
    }


def main(argv: list[str] | None = None) -> int:
    """Run the section at ``--size``; a table on stderr, the JSON on stdout."""
    return run_section_cli(measure, __doc__, argv)


if __name__ == "__main__":
    raise SystemExit(main())
