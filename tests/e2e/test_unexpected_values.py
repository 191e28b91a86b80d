"""One unexpected value never fails the build: the row is kept, flagged where it could not be read.

A real `meltano run tap target dbt:build` against the sandbox; then values ClickUp (or Airbyte's
copy of it) may send in other shapes are landed beside the pipeline's rows: a webhook history
item whose id is not a number and whose user id is text, one whose id is a JSON number and whose
`date` is not a timestamp, and an Airbyte task whose timestamps, estimate, creator, folder flag
and assignee ids cannot be read. `dbt build` (incremental, then a full refresh to compare)
succeeds, keeps every such row and flags it (`has_unreadable_values`, warn-severity tests).
"""

from __future__ import annotations

import hashlib
import json
import time
from pathlib import Path
from typing import Any

import psycopg
import pytest

from orchestrate.pipeline import run_pipeline
from tests.e2e.incremental_parity import incremental_mismatches
from tests.e2e.marts_ground_truth import rows
from tests.e2e.marts_scenario import dbt

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(1500)]

TEXT_ID = "hist-not-a-number"
NUMBER_ID = 7_000_000_001
AIRBYTE_TASK_ID = "airbyte-odd-1"


def text_field(database_url: str) -> dict[str, Any]:
    """A text custom field of a task the pipeline landed: task id and field definition."""
    [pair] = rows(
        database_url,
        """
        select field_values.task_id, fields.id as field_id, fields.name as field_name,
            fields.type as field_type
        from clickup_extras.task_custom_field_values__current as field_values
        inner join clickup_extras.custom_fields__current as fields
            on field_values.field_id = fields.id
        where fields.type in ('text', 'short_text')
        order by field_values.task_id, fields.id
        limit 1
        """,
    )
    return pair


def land_odd_delivery(database_url: str, pair: dict[str, Any]) -> None:
    """Store a delivery as the receiver does (its table and columns) with two odd history items."""
    field = {"id": pair["field_id"], "name": pair["field_name"], "type": pair["field_type"]}
    now_ms = int(time.time() * 1000)
    body = {
        "event": "taskUpdated",
        "webhook_id": "wh-odd",
        "task_id": pair["task_id"],
        "history_items": [
            {
                "id": TEXT_ID,
                "type": 1,
                "date": str(now_ms),
                "field": "custom_field",
                "custom_field": field,
                "user": {"id": "not-a-user-id", "username": "odd"},
                "before": None,
                "after": "first odd value",
            },
            {
                "id": NUMBER_ID,
                "type": 1,
                "date": "yesterday",
                "field": "custom_field",
                "custom_field": field,
                "before": "first odd value",
                "after": "second odd value",
            },
        ],
    }
    raw = json.dumps(body).encode()
    with psycopg.connect(database_url, autocommit=True) as pg:
        from clickup_webhook_receiver.tables import ensure_deliveries

        ensure_deliveries(pg, "clickup_extras", ("airbyte_raw", "airbyte_internal"))
        pg.execute(
            """
            insert into clickup_extras.webhook_deliveries (
                received_at, webhook_id, event, task_id, history_item_ids, body, raw_body,
                body_sha256, signature, secret_id, headers
            )
            values (now(), 'wh-odd', 'taskUpdated', %s, %s, %s, %s, %s, '', 'test', '{}')
            """,
            (
                pair["task_id"],
                [TEXT_ID, str(NUMBER_ID)],
                json.dumps(body),
                raw,
                hashlib.sha256(raw).hexdigest(),
            ),
        )


def land_odd_airbyte_task(database_url: str) -> None:
    """An Airbyte `task` row (text columns, as its PostgreSQL cache writes them) with odd values."""
    with psycopg.connect(database_url, autocommit=True) as pg:
        pg.execute("create schema if not exists airbyte_raw")
        pg.execute(
            """
            create table airbyte_raw.task (
                id text, name text, status jsonb, list jsonb, folder jsonb, space jsonb,
                creator jsonb, assignees jsonb, watchers jsonb, tags jsonb, time_estimate text,
                time_spent text, date_created text, date_updated text, date_closed text,
                due_date text, _airbyte_raw_id text, _airbyte_extracted_at timestamptz,
                _airbyte_meta jsonb
            )
            """
        )
        pg.execute(
            """
            insert into airbyte_raw.task values (
                %s, 'odd task', '{"status": "open", "type": "open"}', '{"id": "odd-list"}',
                '{"id": "odd-folder", "hidden": "maybe"}', '{"id": "odd-space"}',
                '{"id": "not-a-user"}', '[{"id": "u-1"}, {"id": 123}]', '[]', '[]',
                'about an hour', '12.5', 'not-a-date', '1780000000000', '', 'soon',
                'raw-1', now(), '{}'
            )
            """,
            (AIRBYTE_TASK_ID,),
        )


def test_odd_values_keep_their_rows_and_the_build_passes(
    database_url: str, pipeline_env: dict[str, str], tmp_path: Path
) -> None:
    full = run_pipeline(pipeline_env, stream_output=False)
    assert full.returncode == 0, full.output[-6000:]
    pair = text_field(database_url)
    land_odd_delivery(database_url, pair)
    land_odd_airbyte_task(database_url)

    build = dbt(pipeline_env, "build", target_path=tmp_path / "target")
    assert build.returncode == 0, build.stdout[-6000:]
    assert "Traceback" not in build.stdout
    # the flags surface as warnings, not errors
    assert "WARN" in build.stdout

    items = {
        r["history_item_id"]: r
        for r in rows(
            database_url,
            """
            select history_item_id, user_id, changed_at, has_unreadable_values
            from clickup_analytics_staging.stg_clickup_webhooks__history_items
            """,
        )
    }
    assert items[TEXT_ID]["has_unreadable_values"] and items[TEXT_ID]["user_id"] is None
    assert items[TEXT_ID]["changed_at"] is not None
    number = items[str(NUMBER_ID)]
    assert number["has_unreadable_values"] and number["changed_at"] is None

    events = {
        r["history_item_id"]
        for r in rows(
            database_url, "select history_item_id from clickup_analytics.fct_webhook_events"
        )
    }
    assert {TEXT_ID, str(NUMBER_ID)} <= events
    changes = {
        r["history_item_id"]: r
        for r in rows(
            database_url,
            f"""
            select history_item_id, value_after_text
            from clickup_analytics.fct_custom_field_changes
            where task_id = '{pair["task_id"]}' and field_id = '{pair["field_id"]}'
            """,
        )
    }
    assert changes[TEXT_ID]["value_after_text"] == "first odd value"
    assert str(NUMBER_ID) in changes

    [task] = rows(
        database_url,
        f"""
        select * from clickup_analytics_staging.stg_airbyte__tasks
        where task_id = '{AIRBYTE_TASK_ID}'
        """,
    )
    assert task["has_unreadable_values"] is True
    assert task["created_at"] is None and task["due_at"] is None and task["closed_at"] is None
    assert task["updated_at"] is not None
    assert task["time_estimate_ms"] is None and task["time_spent_ms"] is None
    assert task["creator_user_id"] is None and task["folder_id"] == "odd-folder"
    assert task["assignee_ids"] == [None, 123]
    [readable] = rows(
        database_url,
        "select count(*) filter (where has_unreadable_values) as odd, count(*) as total"
        " from clickup_analytics_staging.stg_airbyte__tasks",
    )
    assert readable["odd"] == 1

    mismatches, _counts = incremental_mismatches(pipeline_env, database_url, tmp_path / "fullref")
    assert not mismatches, "\n".join(mismatches)
