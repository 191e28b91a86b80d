"""Custom-field decoding of every type, including ClickUp's weird shapes (docs/clickup-api.md §4)."""

from __future__ import annotations

import logging
from decimal import Decimal

import pytest
from tap_clickup_extended.decoding.custom_field_values import VALUE_COLUMNS, decode_value

OPTIONS = [
    {"id": "uuid-a", "name": "Alpha 🚀", "color": "#f00", "orderindex": 0},
    {"id": "uuid-b", "name": "Beta", "color": None, "orderindex": "1"},
]
LABELS = [
    {"id": "lab-1", "label": "red", "color": "#f00", "orderindex": 0},
    {"id": "lab-2", "label": "blue", "color": "#00f", "orderindex": 1},
]


def field(ftype: str, **extra: object) -> dict:
    return {"id": "f1", "name": "F", "type": ftype, **extra}


def test_unset_field_has_no_value_key() -> None:
    out = decode_value(field("drop_down", type_config={"options": OPTIONS}))
    assert out["has_value"] is False
    assert all(out[c] is None for c in VALUE_COLUMNS if c != "has_value")


@pytest.mark.parametrize(("value", "option"), [(0, "uuid-a"), ("1", "uuid-b"), (1, "uuid-b")])
def test_drop_down_orderindex_int_or_string(value: object, option: str) -> None:
    out = decode_value(field("drop_down", value=value, type_config={"options": OPTIONS}))
    assert out["value_option_ids"] == [option]
    assert out["value_json"] == value
    assert out["has_value"] is True


def test_drop_down_uuid_is_accepted_and_names_kept() -> None:
    out = decode_value(field("drop_down", value="uuid-a", type_config={"options": OPTIONS}))
    assert out["value_option_ids"] == ["uuid-a"]
    assert out["value_option_names"] == ["Alpha 🚀"]
    assert out["value_text"] == "Alpha 🚀"


def test_drop_down_unknown_index_keeps_raw() -> None:
    out = decode_value(field("drop_down", value=7, type_config={"options": OPTIONS}))
    assert out["has_value"] is True
    assert out["value_option_ids"] is None
    assert out["value_json"] == 7


def test_labels_in_payload_order_with_label_as_name() -> None:
    out = decode_value(field("labels", value=["lab-2", "lab-1"], type_config={"options": LABELS}))
    assert out["value_option_ids"] == ["lab-2", "lab-1"]
    assert out["value_option_names"] == ["blue", "red"]
    assert out["value_text"] == "blue, red"


def test_users_array_of_objects_or_single_object() -> None:
    users = [{"id": 1001, "username": "ann"}, {"id": "1002", "username": "bob"}]
    assert decode_value(field("users", value=users))["value_user_ids"] == [1001, 1002]
    single = decode_value(field("users", value={"id": 1003, "username": "cy"}))
    assert single["value_user_ids"] == [1003]
    assert single["value_text"] == "cy"


def test_tasks_array_of_objects() -> None:
    out = decode_value(field("tasks", value=[{"id": "86a1", "name": "x"}, {"id": "86a2"}]))
    assert out["value_task_ids"] == ["86a1", "86a2"]


@pytest.mark.parametrize(
    ("ftype", "value", "number"),
    [
        ("number", "12.50", Decimal("12.5")),
        ("number", 3, 3),
        ("currency", "1999.99", Decimal("1999.99")),
        ("currency", Decimal("10.25"), Decimal("10.25")),
        ("emoji", 4, 4),
        ("emoji", "2", 2),
    ],
)
def test_numbers_from_strings_or_numbers(ftype: str, value: object, number: object) -> None:
    out = decode_value(field(ftype, value=value))
    assert out["value_number"] == number
    assert out["value_text"] == str(value)


def test_date_ms_string() -> None:
    out = decode_value(field("date", value="1777622400000"))
    assert out["value_datetime"] == "2026-05-01T08:00:00.000000+00:00"
    assert out["value_text"] == out["value_datetime"]


@pytest.mark.parametrize(
    ("value", "checked"), [(True, True), ("true", True), (False, False), ("false", False)]
)
def test_checkbox_shapes(value: object, checked: bool) -> None:
    out = decode_value(field("checkbox", value=value))
    assert out["value_boolean"] is checked
    assert out["has_value"] is True


def test_checkbox_null_is_unset() -> None:
    out = decode_value(field("checkbox", value=None))
    assert out["has_value"] is False
    assert out["value_boolean"] is None


def test_location_object() -> None:
    value = {"location": {"lat": 48.85, "lng": 2.35}, "formatted_address": "Paris, France"}
    out = decode_value(field("location", value=value))
    assert out["value_text"] == "Paris, France"
    assert out["value_json"] == value


@pytest.mark.parametrize("ftype", ["manual_progress", "automatic_progress", "progress"])
def test_progress_percent_completed(ftype: str) -> None:
    out = decode_value(field(ftype, value={"percent_completed": 40, "current": "4"}))
    assert out["value_number"] == 40


@pytest.mark.parametrize(("value", "number"), [(42, 42), ("3.5", Decimal("3.5")), ("n/a", None)])
def test_formula_number_or_string(value: object, number: object) -> None:
    out = decode_value(field("formula", value=value))
    assert out["value_number"] == number
    assert out["value_text"] == str(value)


@pytest.mark.parametrize("ftype", ["text", "short_text", "url", "email", "phone"])
def test_text_kinds_plain_or_wrapped(ftype: str) -> None:
    assert decode_value(field(ftype, value="héllo 👋"))["value_text"] == "héllo 👋"
    wrapped = decode_value(field(ftype, value={"value": "inner"}))
    assert wrapped["value_text"] == "inner"
    assert wrapped["value_json"] == {"value": "inner"}


def test_unknown_type_does_not_crash_and_logs_once(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING):
        first = decode_value(field("voting_v9", value={"votes": 3}))
        decode_value(field("voting_v9", value={"votes": 4}))
    assert first["has_value"] is True
    assert first["value_json"] == {"votes": 3}
    assert first["value_text"] == '{"votes": 3}'
    assert sum("voting_v9" in r.getMessage() for r in caplog.records) == 1
