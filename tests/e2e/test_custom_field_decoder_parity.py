"""One decoder: the dbt macros render a custom-field value exactly as the tap's Python decoders do.

Polled values are decoded by the tap (tap_clickup_extended/decoding/custom_field_values.py); values
only a webhook reported are rendered in SQL (transform/macros/custom_field_decoding.sql) after
`custom_field_value_as_read` turns the webhook form into the task-read form. The same (field
definition, raw value) pairs, for every type of the tap's decoder registry, ClickUp's documented
types the tap does not know (attachment, voting) and an unknown one, go through both on a real
PostgreSQL: value_text, has_value and value_json must be equal, and a webhook's drop-down option
UUID must read as the option's index, as the task read gives it.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import psycopg
import pytest
from tap_clickup_extended.decoding.custom_field_values import DECODERS, decode_value

from orchestrate.pipeline import pipeline_environment
from tests.e2e.marts_scenario import dbt

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(600)]

OPTIONS = [
    {"id": "opt-a", "name": "Alpha", "color": "#fff", "orderindex": 0},
    {"id": "opt-b", "name": "Beta", "color": None, "orderindex": "1"},
    {"id": "opt-c", "name": None, "orderindex": 2},
    {"id": "opt-d", "name": "Ünïcode ✓", "orderindex": 3},
]
LABEL_OPTIONS = [
    {"id": "lab-a", "label": "Red", "color": "#f00"},
    {"id": "lab-b", "label": "Blue", "color": "#00f"},
    {"id": "lab-c", "name": "Named", "label": "ignored"},
]
USER = {"id": 81, "username": "Ann", "email": "ann@example.com", "color": "#abc", "initials": "A"}
TASK = {"id": "86abc", "name": "Linked", "status": "open", "deleted": False, "access": True}
ATTACHMENT = [
    {
        "id": "att-1",
        "title": "a.png",
        "size": 123,
        "extension": "png",
        "date": "1780000000000",
        "thumbnail_small": {"url": "https://x/y", "w": 10},
        "ratio": 1.5,
    }
]

#: raw values per type, in the form a task read gives them (docs/clickup-api.md §4), with the
#: variations ClickUp sends (numbers as strings, single objects for lists, wrapped text, ...)
VALUES: dict[str, list[Any]] = {
    "drop_down": [0, 1, "1", 2, 3, "2.0", 2.7, 9, "opt-a", "opt-b", "nope", True, "", [1]],
    "labels": [
        ["lab-a", "lab-b"],
        ["lab-c"],
        ["lab-x"],
        [],
        "lab-a",
        [{"id": "lab-b"}],
        [{"id": "lab-y", "label": "Own"}],
        [{"name": "no id"}],
        [7],
    ],
    "users": [
        [USER],
        USER,
        [81],
        [{"id": 82, "username": ""}],
        [{"id": "83"}],
        [USER, {"id": 84, "username": "Bob"}],
        [],
    ],
    "tasks": [[TASK], TASK, ["86a", "86b"], [{"id": 12}], []],
    "list_relationship": [[TASK], [{"id": "86d", "name": "x"}]],
    "number": [5, "5", 12.5, "12.50", -3, "abc", 0, "1e3"],
    "currency": [1999.99, "1999.99", 0],
    "emoji": [0, 3, "4"],
    "formula": [42, "42.0", "text result", 1.25],
    "date": ["1780000000000", 1780000000000, "1780000000123.9", 0, "0", "soon", -86400000],
    "checkbox": [True, False, "true", "TRUE ", "false", "yes", 1],
    "location": [
        {"location": {"lat": 48.85, "lng": 2.35}, "formatted_address": "Paris, France"},
        {"location": {"lat": 1, "lng": 2}},
        "Somewhere",
    ],
    "manual_progress": [
        {"percent_completed": 50, "current": "50"},
        {"percent_completed": 33.33},
        {"current": "1"},
        75,
        "12.5",
    ],
    "automatic_progress": [{"percent_completed": 100}, {"percent_completed": "0.0"}],
    "progress": [{"percent_completed": 10.5}],
    "text": ["hello", "", 'multi\nline "quoted" \\ ✓', {"value": "wrapped"}, {"value": None}, 7],
    "short_text": ["short", {"value": "w"}],
    "url": ["https://example.com/a?b=1"],
    "email": ["ann@example.com"],
    "phone": ["+33 1 23 45 67 89"],
    # ClickUp's types the tap has no decoder for, and one nobody knows: the raw value as text
    "attachment": [ATTACHMENT, []],
    "voting": [{"votes": 3, "voters": [81, 82], "a_long_key": True, "b": None}],
    "some_new_type": ["x", 3, {"zz": 1, "a": [1, {"y": 2.5, "x": "é"}]}],
}


def definition(field_type: str) -> dict[str, Any]:
    options = LABEL_OPTIONS if field_type == "labels" else OPTIONS
    config: dict[str, Any] = {"options": options} if field_type in ("drop_down", "labels") else {}
    return {"id": f"cf-{field_type}", "name": field_type, "type": field_type, "type_config": config}


def as_read(value: Any) -> Any:
    """The value as the tap gets it: JSON parsed with Decimal floats (client.py)."""
    return json.loads(json.dumps(value), parse_float=Decimal)


def cases() -> list[tuple[int, str, Any]]:
    found = [(field_type, value) for field_type, values in VALUES.items() for value in values]
    found += [(field_type, None) for field_type in VALUES]
    return [(number, field_type, value) for number, (field_type, value) in enumerate(found)]


def test_the_cases_cover_every_decoder_and_documented_type() -> None:
    documented = {
        "drop_down",
        "labels",
        "users",
        "tasks",
        "number",
        "currency",
        "date",
        "checkbox",
        "emoji",
        "location",
        "manual_progress",
        "automatic_progress",
        "url",
        "email",
        "phone",
        "short_text",
        "text",
        "formula",
        "attachment",
        "voting",
    }
    assert set(DECODERS) | documented <= set(VALUES)


def compiled(environment: dict[str, str], sql: str, target: Path) -> str:
    result = dbt(environment, "--quiet", "compile", "--inline", sql, target_path=target)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
    return result.stdout


def sql_results(database_url: str, tmp_path: Path) -> dict[int, tuple]:
    """Each case through the dbt macros: the webhook form made read form, then rendered."""
    environment = pipeline_environment(database_url)
    query = compiled(
        environment,
        """
        select
            cases.case_id,
            {{ clickup_extras.webhook_value_text('cases.value', 'cases.field_type', 'cases.options') }}
                as value_text,
            {{ clickup_extras.webhook_value_is_set('cases.value') }} as has_value,
            {{ clickup_extras.custom_field_value_as_read('cases.value', 'cases.field_type', 'cases.options') }}
                as value_json
        from parity_cases as cases
        """,
        tmp_path / "target",
    )
    with psycopg.connect(database_url) as pg:
        pg.execute(
            "create temporary table parity_cases (case_id int, field_type text, options jsonb, value jsonb)"
        )
        with pg.cursor().copy("copy parity_cases from stdin") as copy:
            for number, field_type, value in cases():
                options = definition(field_type)["type_config"].get("options")
                copy.write_row(
                    (
                        number,
                        field_type,
                        json.dumps(options) if options else None,
                        None if value is None else json.dumps(webhook_form(field_type, value)),
                    )
                )
        return {row[0]: row[1:] for row in pg.execute(query).fetchall()}


def webhook_form(field_type: str, value: Any) -> Any:
    """A webhook's before/after for a read value: a drop-down's option UUID (docs/clickup-api.md §9)."""
    if field_type == "drop_down" and isinstance(value, int) and not isinstance(value, bool):
        matches = [o["id"] for o in OPTIONS if int(o["orderindex"]) == value]
        return matches[0] if matches else value
    return value


def read_form(value: Any) -> Any:
    """A drop-down value as a task read gives it: a known option's UUID is its integer index."""
    matches = [int(o["orderindex"]) for o in OPTIONS if o["id"] == value]
    return matches[0] if matches else value


def python_results() -> dict[int, tuple]:
    out = {}
    for number, field_type, value in cases():
        field = definition(field_type)
        if value is not None:
            field["value"] = as_read(value)
        columns = decode_value(field)
        out[number] = (columns["value_text"], columns["has_value"], columns["value_json"])
    return out


def test_sql_renders_every_value_as_the_tap_does(database_url: str, tmp_path: Path) -> None:
    by_sql = sql_results(database_url, tmp_path)
    by_tap = python_results()
    problems = []
    for number, field_type, value in cases():
        tap_text, tap_has, tap_json = by_tap[number]
        sql_text, sql_has, sql_json = by_sql[number]
        if field_type == "drop_down":
            # a webhook's option UUID, as read: the option's index, as a task read gives it
            tap_json = read_form(webhook_form(field_type, value))
        if value in ([], ""):
            # a webhook's [] or "" is a cleared field (a task read has no value then: §4)
            tap_text, tap_has = None, False
        expected = (
            tap_text,
            tap_has,
            None if tap_json is None else json.loads(json.dumps(tap_json, default=float)),
        )
        got = (
            sql_text,
            sql_has,
            None if sql_json is None else json.loads(json.dumps(sql_json), parse_float=float),
        )
        if expected != got:
            problems.append(f"{field_type} {value!r}: tap {expected!r} != sql {got!r}")
    assert not problems, f"{len(problems)} of {len(by_tap)} differ:\n" + "\n".join(problems)
    assert len(by_tap) > 100
