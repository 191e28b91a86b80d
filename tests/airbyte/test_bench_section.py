"""The Airbyte benchmark section against a real sandbox: what the connector wrote, and a sync
that gives up on 429s recorded as the system's outcome (figures reached), not a crash."""

from __future__ import annotations

import psycopg
import pytest
from psycopg.types.json import Jsonb

from bench import airbyte_extraction, report_schema
from bench.completeness import expected_field_values
from bench.sizes import Workspace
from orchestrate.sandbox_runner import running_sandbox
from tests.e2e.conftest import database_url, postgres_server_url  # noqa: F401 (fixtures)


def test_found_in_reads_tasks_raw_custom_fields_and_intervals(database_url: str) -> None:  # noqa: F811
    with running_sandbox("--tasks", "30", "--seed", "7") as box:
        export = box.export()
    task = next(t for t in export["tasks"] if t["custom_field_values"])
    field_id, value = next(iter(task["custom_field_values"].items()))
    entry = export["time_entries"][0]
    schema = airbyte_extraction.SCHEMA
    with psycopg.connect(database_url, autocommit=True) as connection:
        connection.execute(f"create schema {schema}")
        connection.execute(f"create table {schema}.task (id text, custom_fields jsonb)")
        connection.execute(f"create table {schema}.time_tracking (intervals jsonb)")
        connection.execute(
            f"insert into {schema}.task values (%s, %s), ('gone', null)",
            (task["id"], Jsonb([{"id": field_id, "value": value}, {"id": "x", "value": None}])),
        )
        connection.execute(
            f"insert into {schema}.time_tracking values (%s)", (Jsonb([{"id": entry["id"]}]),)
        )

    found = airbyte_extraction.found_in(database_url, schema, export)

    assert found.task_ids == {task["id"], "gone"}
    assert found.time_entry_ids == {str(entry["id"])}
    assert found.field_values == {(task["id"], field_id): True}  # the canonical value, as is
    assert (task["id"], field_id) in expected_field_values(export)
    assert airbyte_extraction.row_counts(database_url, schema) == {"task": 2, "time_tracking": 1}


@pytest.mark.e2e
def test_a_failed_sync_is_a_failed_result_with_the_figures_reached() -> None:
    # a token the sandbox does not know: every request 401, the connector fails in seconds (a
    # 429 give-up at ClickUp's 60-second window takes minutes, but ends the same way)
    ws = Workspace(tasks=40, members=3, months=1, rate_limit=100, window_seconds=2.0)

    entry = airbyte_extraction.measure_workspace(ws, token="pk_unknown_to_the_sandbox")

    assert entry["status"] == "failed", entry
    assert entry["error"].startswith("Airbyte's connector failed: streams "), entry["error"]
    assert "HTTP 401" in entry["error"] and "\n" not in entry["error"]
    assert "pk_unknown_to_the_sandbox" not in entry["error"]
    figures = entry["figures"]
    assert figures["requests_count"] > 0 and figures["tasks_found_count"] == 0
    assert figures["tasks_expected_count"] == 40 and figures["completeness_pct"] == 0.0
    assert entry["details"]["requests_by_endpoint"]["GET /team"] > 0
    assert entry["notes"][0].startswith("The sync failed after")
    section = {"section": "x", "title": "x", "parameters": {}, "headline": {}, "results": [entry]}
    assert report_schema.section_error(section) is None


RATE_LIMITED = (
    "Airbyte's connector failed against http://127.0.0.1:1/api/v2 into postgresql://x schema s: "
    "AirbyteConnectorFailedError: Connector failed. ---- Caused by: During the sync, the "
    "following streams did not sync successfully: team: AirbyteTracedException('Rate limit "
    "retry budget exhausted. Last exception: HTTP Status Code: 429. Error: Too many requests.') "
    "list: AirbyteTracedException('Rate limit retry budget exhausted. Last exception: HTTP St"
)


def test_short_error_names_the_streams_and_the_cause() -> None:
    assert airbyte_extraction.short_error(RATE_LIMITED) == (
        "Airbyte's connector failed: streams team, list did not sync: "
        "rate-limit retry budget exhausted (HTTP 429)"
    )
    assert airbyte_extraction.short_error("something\n  else broke") == "something else broke"
