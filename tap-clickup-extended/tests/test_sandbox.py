"""A full sync against the project's ClickUp sandbox, compared with its ground truth."""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Iterator
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest

from .tap_testkit import TapRun, run_tap, running_sandbox

SANDBOX_TOKEN = "pk_sandbox"


@pytest.fixture(scope="module")
def sandbox() -> Iterator[str]:
    """A running sandbox; yields its base URL."""
    with running_sandbox("--tasks", "150", "--members", "5", "--months", "3") as url:
        yield url


def _canonical(value: dict[str, Any]) -> Any:
    """A decoded value in the export's canonical form (data-contracts §3)."""
    ftype, raw = value["field_type"], value["value_json"]
    if ftype == "drop_down":
        return value["value_option_ids"][0]
    if ftype == "labels":
        return value["value_option_ids"]
    if ftype == "users":
        return value["value_user_ids"]
    if ftype == "tasks":
        return value["value_task_ids"]
    if ftype == "date":
        moment = datetime.fromisoformat(value["value_datetime"])
        return int(moment.timestamp() * 1000)
    if ftype == "checkbox":
        return value["value_boolean"]
    if ftype == "location":
        return {**raw["location"], "formatted_address": raw["formatted_address"]}
    if ftype in {"manual_progress", "automatic_progress"}:
        return {"percent_completed": value["value_number"]}
    if ftype in {"number", "currency", "emoji"} or (
        ftype == "formula" and value["value_number"] is not None
    ):
        return value["value_number"]
    return value["value_text"]


def _same(left: Any, right: Any) -> bool:
    if isinstance(left, bool) or isinstance(right, bool):
        return left is right
    if isinstance(left, int | float | Decimal) and isinstance(right, int | float | Decimal):
        return Decimal(str(left)) == Decimal(str(right))
    if isinstance(left, dict) and isinstance(right, dict):
        return left.keys() == right.keys() and all(_same(left[k], right[k]) for k in left)
    return left == right


@pytest.fixture(scope="module")
def synced(sandbox: str, tmp_path_factory: pytest.TempPathFactory) -> tuple[TapRun, dict]:
    """One full sync and the export taken right after it."""
    config = {"api_token": SANDBOX_TOKEN, "base_url": sandbox, "max_retries": 6}
    run = run_tap(tmp_path_factory.mktemp("sandbox"), config, timeout=600)
    assert run.returncode == 0, run.stderr[-3000:]
    with urllib.request.urlopen(sandbox.removesuffix("/api/v2") + "/_sandbox/export") as resp:
        export = json.load(resp)
    return run, export


def test_custom_field_values_match_ground_truth(synced: tuple[TapRun, dict]) -> None:
    run, export = synced
    values = {(v["task_id"], v["field_id"]): v for v in run.records("task_custom_field_values")}
    assert len(values) == len(run.records("task_custom_field_values"))
    mismatches = []
    for task in export["tasks"]:
        for field_id in task["field_ids"]:
            value = values.get((task["id"], field_id))
            assert value is not None, (task["id"], field_id)
            expected = task["custom_field_values"].get(field_id)
            if expected is None:
                assert value["has_value"] is False
                continue
            assert value["has_value"] is True
            if not _same(_canonical(value), expected):
                mismatches.append((task["id"], value["field_type"], expected, value))
    assert mismatches == []


def test_time_entries_match_ground_truth(synced: tuple[TapRun, dict]) -> None:
    run, export = synced
    entries = {e["id"]: e for e in run.records("time_entries")}
    start_ms = datetime.fromisoformat(run.records("time_entry_scans")[0]["window_start"])
    expected = [
        e for e in export["time_entries"] if e["start_ms"] >= int(start_ms.timestamp() * 1000)
    ]
    assert {e["id"] for e in expected} == set(entries)
    for truth in expected:
        got = entries[truth["id"]]
        assert got["user_id"] == truth["user_id"]
        assert got["task_id"] == truth["task_id"]
        assert got["is_running"] == truth["is_running"]
        assert got["duration_ms"] == truth["duration_ms"]
        assert got["billable"] == truth["billable"]
        assert got["tags"] == truth["tags"]
        start = datetime.fromtimestamp(truth["start_ms"] / 1000, UTC)
        assert datetime.fromisoformat(got["start"]) == start
        if truth["end_ms"] is None:
            assert got["end"] is None
        else:
            assert datetime.fromisoformat(got["end"]) == datetime.fromtimestamp(
                truth["end_ms"] / 1000, UTC
            )
    scanned = {i for s in run.records("time_entry_scans") for i in s["entry_ids"]}
    assert scanned == set(entries)


def test_tasks_once_each(synced: tuple[TapRun, dict]) -> None:
    run, export = synced
    ids = [t["id"] for t in run.records("tasks")]
    assert len(ids) == len(set(ids))
    assert set(ids) == {t["id"] for t in export["tasks"]}


def test_custom_fields_once_each(synced: tuple[TapRun, dict]) -> None:
    run, export = synced
    ids = [f["id"] for f in run.records("custom_fields")]
    assert len(ids) == len(set(ids))
    seen_on_tasks = {fid for t in export["tasks"] for fid in t["field_ids"]}
    on_lists = {fid for lst in export["lists"] for fid in lst["field_ids"]}
    assert set(ids) == on_lists
    assert seen_on_tasks < on_lists, "empty lists add fields no task payload shows"
