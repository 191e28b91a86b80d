"""The schedules in meltano.yml, as the DAG factory reads them, and the guard's settings."""

from __future__ import annotations

import pytest

from orchestrate.airbyte_guard.settings import GuardSettingsError, load_settings
from orchestrate.airflow_dags.schedules import (
    ScheduleListError,
    extractor_names,
    is_extract_load,
    list_schedules,
    parse_schedules,
)


def test_meltano_lists_three_schedules_with_guard_before_dbt(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("AIRFLOW_HOME", str(tmp_path))  # the cache goes there
    schedules = {s.name: s for s in list_schedules(use_cache=False)}
    assert set(schedules) == {
        "clickup-incremental",
        "clickup-time-entries-daily",
        "clickup-reconcile-weekly",
    }
    extractors = extractor_names()
    for schedule in schedules.values():
        el, guard, dbt = schedule.steps
        assert is_extract_load(el, extractors)
        assert guard == "airbyte-guard:wait" and dbt.startswith("dbt-postgres:build")
    assert schedules["clickup-reconcile-weekly"].env["MELTANO_RUN_FULL_REFRESH"] == "true"
    assert schedules["clickup-reconcile-weekly"].steps[2] == "dbt-postgres:build-full-refresh"
    assert (
        schedules["clickup-time-entries-daily"]
        .steps[0]
        .startswith("tap-clickup-extended--time-entries ")
    )
    # The second read comes from the cache, keyed on meltano.yml.
    assert (tmp_path / "meltano-schedules.json").exists()
    assert [s.name for s in list_schedules()] == [s.name for s in schedules.values()]


def test_legacy_elt_schedules_are_refused_with_the_fix() -> None:
    with pytest.raises(ScheduleListError, match="give them a job"):
        parse_schedules({"schedules": {"job": [], "elt": [{"name": "old"}]}})


def test_guard_settings_errors_are_one_line() -> None:
    with pytest.raises(GuardSettingsError, match="set DATABASE_URL"):
        load_settings({})
    with pytest.raises(GuardSettingsError, match="AIRBYTE_GUARD_TIMEOUT_SECONDS='soon'"):
        load_settings(
            {"DATABASE_URL": "postgresql://x@h/db", "AIRBYTE_GUARD_TIMEOUT_SECONDS": "soon"}
        )
    with pytest.raises(GuardSettingsError, match="give fail"):
        load_settings({"DATABASE_URL": "postgresql://x@h/db", "AIRBYTE_GUARD_ON_TIMEOUT": "maybe"})


def test_guard_watches_the_configured_airbyte_schema_too() -> None:
    settings = load_settings(
        {
            "DATABASE_URL": "postgresql://x@h/db",
            "AIRBYTE_GUARD_SCHEMAS": '["airbyte_raw"]',
            "CLICKUP_AIRBYTE_SCHEMA": "clickup_airbyte",
        }
    )
    assert settings.schemas == ("airbyte_raw", "clickup_airbyte")
