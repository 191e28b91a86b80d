"""Checks run for every stream the tap discovers, on one shared pipeline run (conftest.py).

For each stream: its schema is a valid JSON Schema; its records fit it; no key repeats; the
sandbox's responses for its endpoint fit ClickUp's OpenAPI definition (when one exists); it
lands through target-extras (history table and ``__current`` view, one current row per key);
its staging models build and pass their dbt tests.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

import psycopg
import pytest
from jsonschema import Draft202012Validator
from psycopg import sql

from tests.sandbox_tests.schemas import OPENAPI, openapi_file_for, validate
from tests.streams.conftest import Pipeline, stream_names

pytestmark = pytest.mark.e2e
STREAMS = stream_names()
#: Query parameters an endpoint requires (the tap sends them too).
REQUIRED_PARAMS: dict[str, dict[str, Any]] = {"/team/{team_id}/taskTemplate": {"page": 0}}
#: Path parameter -> (stream whose records hold it, the field).
PATH_IDS = {
    "team_id": ("workspaces", "id"),
    "team_Id": ("workspaces", "id"),
    "space_id": ("spaces", "id"),
    "folder_id": ("folders", "id"),
    "list_id": ("lists", "id"),
    "task_id": ("tasks", "id"),
}
#: Streams with no staging model, with the reason (every other landing table has one). Empty:
#: `comments`, not selected by default, has staging models over an optional table (empty before
#: its first load; transform/macros/optional_source.sql).
NO_STAGING: dict[str, str] = {}


def _stream_class(name: str) -> Any:
    from tap_clickup_extended.tap import STREAM_TYPES

    return next(t for t in STREAM_TYPES if t.name == name)


@pytest.mark.parametrize("stream", STREAMS)
def test_schema_is_valid_json_schema(pipeline: Pipeline, stream: str) -> None:
    Draft202012Validator.check_schema(pipeline.schema(stream))


@pytest.mark.parametrize("stream", STREAMS)
def test_records_fit_their_schema(pipeline: Pipeline, stream: str) -> None:
    records = pipeline.records(stream)
    assert records, f"{stream}: the sandbox run produced no records"
    validator = Draft202012Validator(pipeline.schema(stream))
    for record in records:
        errors = [e.message for e in validator.iter_errors(record)]
        assert not errors, f"{stream}: {errors[:3]} in {record}"


@pytest.mark.parametrize("stream", STREAMS)
def test_no_duplicate_keys(pipeline: Pipeline, stream: str) -> None:
    keys = pipeline.key_properties(stream)
    assert keys, f"{stream} declares no key"
    counts = Counter(tuple(r.get(k) for k in keys) for r in pipeline.records(stream))
    repeated = {key: n for key, n in counts.items() if n > 1}
    assert not repeated, f"{stream}: keys emitted more than once: {list(repeated)[:5]}"


def _endpoint_path(stream: str) -> str | None:
    """The API path a stream reads, or None for one derived from its parent's payload."""
    return getattr(_stream_class(stream), "path", None) or None


@pytest.mark.parametrize("stream", [s for s in STREAMS if _endpoint_path(s)])
def test_sandbox_responses_fit_openapi(pipeline: Pipeline, stream: str) -> None:
    path = _endpoint_path(stream)
    assert path is not None
    if stream == "task_status_history":
        task_ids = [r["id"] for r in pipeline.records("tasks")][:100]
        validate("getbulktaskstimeinstatus.json", pipeline.api.ok(path, {"task_ids": task_ids}))
        return
    filename = openapi_file_for("GET", path)
    assert filename is not None, (
        f"{stream} reads GET {path}, which no ClickUp OpenAPI definition in {OPENAPI} describes: "
        "vendor ClickUp's definition of that operation (vendor/clickup-openapi/README.md)"
    )
    names = re.findall(r"\{(\w+)\}", path)
    assert len(names) <= 1, f"{path}: more than one path parameter"
    if names:
        parent, field = PATH_IDS[names[0]]
        ids = sorted({str(r[field]) for r in pipeline.records(parent)})[:5]
    else:
        ids = [""]
    for value in ids:
        url = re.sub(r"\{\w+\}", value, path)
        validate(filename, pipeline.api.ok(url, REQUIRED_PARAMS.get(path)))


@pytest.mark.parametrize("stream", STREAMS)
def test_lands_through_the_target(pipeline: Pipeline, stream: str) -> None:
    keys = pipeline.key_properties(stream)
    distinct = {tuple(r.get(k) for k in keys) for r in pipeline.records(stream)}
    with psycopg.connect(pipeline.database_url) as connection:
        found = connection.execute(
            "select table_name, table_type from information_schema.tables "
            "where table_schema = 'clickup_extras' and table_name in (%s, %s)",
            (stream, f"{stream}__current"),
        ).fetchall()
        assert sorted(found) == [(stream, "BASE TABLE"), (f"{stream}__current", "VIEW")]
        current = sql.Identifier("clickup_extras", f"{stream}__current")
        rows = connection.execute(sql.SQL("select count(*) from {}").format(current)).fetchone()
    assert rows is not None
    assert rows[0] == len(distinct), f"{stream}: {rows[0]} current rows, {len(distinct)} keys"


@pytest.mark.parametrize("stream", STREAMS)
def test_staging_models_build(pipeline: Pipeline, stream: str) -> None:
    if stream in NO_STAGING:
        pytest.xfail(f"{stream} has no staging model: {NO_STAGING[stream]}")
    for model in (f"stg_clickup_extras__{stream}", f"stg_clickup_extras__{stream}_history"):
        unique_id = f"model.clickup_extras.{model}"
        assert unique_id in pipeline.dbt_results, f"no staging model {model} was built"
        assert pipeline.dbt_results[unique_id]["status"] == "success"
        tests = [
            node_id
            for node_id, node in pipeline.dbt_manifest["nodes"].items()
            if node["resource_type"] == "test"
            and unique_id in node["depends_on"]["nodes"]
            # Tests that also read marts (relationships from dim_tasks) belong to `dbt build`.
            and all(
                dep.startswith(("model.clickup_extras.stg_clickup_extras__", "source.", "macro."))
                for dep in node["depends_on"]["nodes"]
            )
        ]
        assert tests, f"{model} has no dbt tests"
        failed = {t: pipeline.dbt_results.get(t, {}).get("status") for t in tests}
        assert all(status == "pass" for status in failed.values()), failed
