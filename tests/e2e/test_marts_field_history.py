"""Field-history and webhook marts after a full run, webhook deliveries and an incremental run.

One scenario (marts_scenario.py) serves both tests: the marts equal what the sandbox's export and
its webhook ground truth say, and every incremental model equals a full refresh of itself.
"""

from __future__ import annotations

import json
import uuid
from collections import Counter, defaultdict
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import psycopg
import pytest
from tap_clickup_extended.decoding.custom_field_values import decode_value

from orchestrate.pipeline import pipeline_environment
from orchestrate.sandbox_runner import SANDBOX_TOKEN, running_sandbox
from tests.e2e.ground_truth import (
    differences,
    expected_task_field_flags,
    landed_dim_task_field_flags,
    to_ms,
)
from tests.e2e.incremental_parity import incremental_mismatches
from tests.e2e.marts_scenario import Scenario, run_scenario

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(900)]

MUTATIONS = 36


@pytest.fixture(scope="module")
def scenario(
    postgres_server_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Scenario]:
    name = f"e2e_fh_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(postgres_server_url, autocommit=True) as connection:
        connection.execute(f'create database "{name}"')
    base, _, query = postgres_server_url.partition("?")
    database_url = f"{base.rsplit('/', 1)[0]}/{name}" + (f"?{query}" if query else "")
    state_dir = tmp_path_factory.mktemp("state")
    # a small workspace: the same (task, field) pairs change several times between the two runs
    with running_sandbox("--tasks", "25", "--members", "6", "--months", "2", "--seed", "3") as sb:
        environment = pipeline_environment(
            database_url,
            base_url=sb.api_url,
            api_token=SANDBOX_TOKEN,
            extra={
                "TAP_CLICKUP_EXTENDED_RATE_LIMIT_PER_MINUTE": "100000",
                "MELTANO_STATE_BACKEND_URI": state_dir.as_uri(),
                "CLICKUP_TIME_ZONE": "UTC",
            },
        )
        yield run_scenario(sb, database_url, environment, MUTATIONS)
    with psycopg.connect(postgres_server_url, autocommit=True) as connection:
        connection.execute(f'drop database if exists "{name}" with (force)')


def query(database_url: str, sql: str) -> list[tuple]:
    with psycopg.connect(database_url) as connection:
        return connection.execute(sql).fetchall()


# ----- expected, from the sandbox alone ----------------------------------------------------------


def owner_user_id(export: dict[str, Any]) -> int:
    return next(int(m["user_id"]) for m in export["members"] if m["role"] == 1)


def expected_changes(scenario: Scenario) -> dict[tuple[str, str], list[tuple]]:
    """(task, field) -> [(changed_at ms, has_value_after, change_source, changed_by_user_id)]:
    the value each pair had at the full run (polled, at the task's date_updated), then every
    change the mutations made (reported by webhooks: exact time and person)."""
    owner = owner_user_id(scenario.final)
    history: dict[tuple[str, str], list[tuple]] = {}
    for task in scenario.baseline["tasks"]:
        values = task.get("custom_field_values", {})
        for field_id in task["field_ids"]:
            history[(task["id"], field_id)] = [
                (int(task["date_updated_ms"]), field_id in values, "polling", None)
            ]
    for change in scenario.changes:
        history[(change.task_id, change.field_id)].append(
            (change.changed_at_ms, change.has_value_after, "webhook", owner)
        )
    return history


def expected_daily(history: dict[tuple[str, str], list[tuple]], today: date) -> dict[tuple, bool]:
    """(task, field, day) -> set at the end of the day (UTC), from the first change to today."""
    expected = {}
    for (task_id, field_id), changes in history.items():
        day = datetime.fromtimestamp(changes[0][0] / 1000, UTC).date()
        while day <= today:
            end_of_day_ms = to_ms(datetime(day.year, day.month, day.day, tzinfo=UTC)) + 86_400_000
            in_effect = [has_value for ms, has_value, *_ in changes if ms < end_of_day_ms]
            expected[(task_id, field_id, day)] = in_effect[-1]
            day += timedelta(days=1)
    return expected


def expected_webhook_events(truth: dict[str, Any]) -> dict[tuple[str, str], tuple]:
    """(webhook, item) -> (deliveries stored, event name, webhooks reporting the item)."""
    deliveries: Counter[tuple[str, str]] = Counter()
    names: dict[tuple[str, str], set[str]] = defaultdict(set)
    reporters: dict[str, set[str]] = defaultdict(set)
    for event in truth["events"]:
        for item in event["history_item_ids"]:
            key = (event["webhook_id"], item)
            deliveries[key] += event["successes"]
            names[key].add(event["event"])
            reporters[item].add(event["webhook_id"])
    return {
        key: (
            deliveries[key],
            min(names[key], key=lambda name: (name == "taskUpdated", name)),
            len(reporters[key[1]]),
        )
        for key in deliveries
    }


# ----- landed ------------------------------------------------------------------------------------


def landed_changes(database_url: str) -> dict[tuple[str, str], list[tuple]]:
    rows = query(
        database_url,
        """
        select task_id, field_id, changed_at, has_value_after, change_source, changed_by_user_id
        from clickup_analytics.fct_custom_field_changes
        order by task_id, field_id, version_number
        """,
    )
    landed: dict[tuple[str, str], list[tuple]] = defaultdict(list)
    for task_id, field_id, changed_at, has_value, source, user_id in rows:
        landed[(task_id, field_id)].append((to_ms(changed_at), has_value, source, user_id))
    return dict(landed)


def test_marts_equal_sandbox_ground_truth(scenario: Scenario) -> None:
    url = scenario.database_url
    history = expected_changes(scenario)
    # guard: the scenario did what it is meant to exercise
    per_pair = Counter((c.task_id, c.field_id) for c in scenario.changes)
    assert len(scenario.changes) >= 20 and max(per_pair.values()) >= 2
    assert any(not c.has_value_after for c in scenario.changes)

    problems = differences(history, landed_changes(url))
    assert not problems, "fct_custom_field_changes differs:\n" + "\n".join(problems)
    # the values the changes end on are the tap's current values
    stale = query(
        url,
        """
        select count(*)
        from clickup_analytics.fct_custom_field_changes as changes
        inner join clickup_analytics_staging.stg_clickup_extras__task_custom_field_values as current_values
            on changes.task_id = current_values.task_id and changes.field_id = current_values.field_id
        where changes.is_current
            and (changes.value_after_text is distinct from current_values.value_text
                 or changes.has_value_after is distinct from coalesce(current_values.has_value, false))
        """,
    )
    assert stale == [(0,)]

    (today,) = query(url, "select (now() at time zone 'UTC')::date")[0]
    daily = {
        (task_id, field_id, day): has_value
        for task_id, field_id, day, has_value in query(
            url,
            "select task_id, field_id, date_day, has_value"
            " from clickup_analytics.fct_custom_field_values_daily",
        )
    }
    problems = differences(expected_daily(history, today), daily)
    assert not problems, "fct_custom_field_values_daily differs:\n" + "\n".join(problems)

    events = {
        (webhook_id, item): (count, name, reporters)
        for webhook_id, item, count, name, reporters in query(
            url,
            "select webhook_id, history_item_id, delivery_count, event_name, reporting_webhook_count"
            " from clickup_analytics.fct_webhook_events",
        )
    }
    expected_events = expected_webhook_events(scenario.webhook_truth)
    problems = differences(expected_events, events)
    assert not problems, "fct_webhook_events differs:\n" + "\n".join(problems)
    assert max(count for count, _, _ in expected_events.values()) >= 2  # duplicates were sent
    assert max(reporters for _, _, reporters in expected_events.values()) == 2
    canonical = query(
        url,
        "select count(*) filter (where is_canonical_report), count(distinct event_key)"
        " from clickup_analytics.fct_webhook_events",
    )
    assert canonical[0][0] == canonical[0][1]

    flags = differences(expected_task_field_flags(scenario.final), landed_dim_task_field_flags(url))
    assert not flags, "dim_tasks.custom_fields differs:\n" + "\n".join(flags)
    names = dict(query(url, "select task_id, task_name from clickup_analytics.dim_tasks"))
    expected_names = {
        t["id"]: t["name"]
        for t in scenario.final["tasks"]
        if t["id"] not in set(scenario.final.get("deleted", {}).get("tasks", []))
    }
    problems = differences(expected_names, names)
    assert not problems, "dim_tasks.task_name differs:\n" + "\n".join(problems)


def test_incremental_build_equals_full_refresh(scenario: Scenario, tmp_path: Path) -> None:
    """Every incremental model, built incrementally by the pipeline's second run, has exactly the
    rows a full refresh of the whole project into other schemas produces."""
    mismatches, rows = incremental_mismatches(scenario.environment, scenario.database_url, tmp_path)
    assert "fct_custom_field_changes" in rows
    assert "fct_webhook_events" in rows
    assert rows["fct_custom_field_changes"] > 0
    assert not mismatches, "\n".join(mismatches)


def decoded(entry: dict[str, Any]) -> tuple[bool, Any, Any]:
    """(has_value, value_text, value_json) of a task read's custom-field entry, by the tap's decoder."""
    columns = decode_value(json.loads(json.dumps(entry), parse_float=Decimal)) if entry else {}
    if not columns or not columns["has_value"]:
        return (False, None, None)
    as_json = json.loads(json.dumps(columns["value_json"], default=float))
    return (True, columns["value_text"], as_json)


def test_webhook_only_values_equal_the_sandbox_truth(scenario: Scenario) -> None:
    """Every change only a webhook reported (no poll confirmed it) holds, before and after, the
    values the sandbox's task read showed at that moment, decoded as the tap decodes a poll: the
    same rendering as the polled changes, in every value column."""
    truth: dict[tuple[str, str, int], tuple[tuple, tuple]] = {}
    previous = {key: decoded(entry) for key, entry in scenario.baseline_reads.items()}
    for change in scenario.changes:
        key = (change.task_id, change.field_id)
        after = decoded(change.read_after)
        assert after[0] == change.has_value_after
        truth[(*key, change.changed_at_ms)] = (previous.get(key, (False, None, None)), after)
        previous[key] = after
    landed = {
        (task_id, field_id, to_ms(changed_at)): (
            (had_before, before_text, before_json),
            (has_after, after_text, after_json),
        )
        for (task_id, field_id, changed_at, had_before, before_text, before_json, has_after,
             after_text, after_json) in query(
            scenario.database_url,
            """
            select task_id, field_id, changed_at, had_value_before, value_before_text,
                value_before_json, has_value_after, value_after_text, value_after_json
            from clickup_analytics.fct_custom_field_changes
            where change_source = 'webhook' and not is_confirmed_by_polling
            """,
        )
    }  # fmt: skip
    assert len(landed) >= 5, "the scenario has webhook-only changes"
    expected = {key: truth[key] for key in landed if key in truth}
    assert len(expected) == len(landed), set(landed) - set(truth)
    problems = differences(expected, landed)
    assert not problems, "webhook-only values differ from the sandbox:\n" + "\n".join(problems)
    types = {
        field_type
        for (field_type,) in query(
            scenario.database_url,
            "select distinct field_type from clickup_analytics.fct_custom_field_changes"
            " where change_source = 'webhook' and not is_confirmed_by_polling",
        )
    }
    print("webhook-only changes compared:", len(landed), "field types:", sorted(types))
