"""Decode a task's custom-field entry (definition + ``value``) into typed value columns.

ClickUp serialises values differently per field type (docs/clickup-api.md §4): a drop-down value is
the option's ORDERINDEX, labels are option ids, users and tasks are arrays of objects (or a
single object), numbers may be strings, dates are ms strings, checkboxes may be strings.
An unset field has no ``value`` key. :func:`decode_value` returns every value column of a
``task_custom_field_values`` record (docs/data-contracts.md §1) except the ids.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from tap_clickup_extended.conversions import ms_to_iso, to_int, to_number

LOGGER = logging.getLogger(__name__)

VALUE_COLUMNS = (
    "has_value",
    "value_text",
    "value_number",
    "value_boolean",
    "value_datetime",
    "value_option_ids",
    "value_option_names",
    "value_user_ids",
    "value_task_ids",
    "value_json",
)

TEXT_TYPES = frozenset({"text", "short_text", "url", "email", "phone"})
_unknown_types_logged: set[str] = set()


def empty_columns() -> dict[str, Any]:
    """Every value column null, ``has_value`` false."""
    columns: dict[str, Any] = dict.fromkeys(VALUE_COLUMNS)
    columns["has_value"] = False
    return columns


def _json_text(value: Any) -> str:
    return json.dumps(value, default=str, ensure_ascii=False, sort_keys=True)


def _scalar_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str | int | float | Decimal):
        return str(value)
    return _json_text(value)


def _options(field: dict[str, Any]) -> list[dict[str, Any]]:
    type_config = field.get("type_config") or {}
    options = type_config.get("options") or []
    return [option for option in options if isinstance(option, dict)]


def option_name(option: dict[str, Any]) -> str | None:
    """The display name of a drop-down (``name``) or labels (``label``) option."""
    name = option.get("name")
    return name if name is not None else option.get("label")


def _decode_drop_down(field: dict[str, Any], value: Any, out: dict[str, Any]) -> None:
    options = _options(field)
    index = to_int(value)
    match = None
    if index is not None:
        match = next((o for o in options if to_int(o.get("orderindex")) == index), None)
    if match is None:
        # Writes (and webhooks) use the option UUID; accept it on reads too.
        match = next((o for o in options if o.get("id") == value), None)
    if match is None:
        out["value_text"] = _scalar_text(value)
        return
    out["value_option_ids"] = [match.get("id")]
    out["value_option_names"] = [option_name(match)]
    out["value_text"] = option_name(match)


def _decode_labels(field: dict[str, Any], value: Any, out: dict[str, Any]) -> None:
    by_id = {o.get("id"): o for o in _options(field)}
    items = value if isinstance(value, list) else [value]
    ids: list[str] = []
    names: list[str | None] = []
    for item in items:
        option_id = item.get("id") if isinstance(item, dict) else item
        option = by_id.get(option_id) or (item if isinstance(item, dict) else {})
        ids.append(str(option_id))
        names.append(option_name(option))
    out["value_option_ids"] = ids
    out["value_option_names"] = names
    out["value_text"] = ", ".join(
        name if name is not None else i for i, name in zip(ids, names, strict=True)
    )


def _decode_users(_field: dict[str, Any], value: Any, out: dict[str, Any]) -> None:
    items = value if isinstance(value, list) else [value]
    users = [item if isinstance(item, dict) else {"id": item} for item in items]
    out["value_user_ids"] = [uid for u in users if (uid := to_int(u.get("id"))) is not None]
    out["value_text"] = ", ".join(str(u.get("username") or u.get("id")) for u in users)


def _decode_tasks(_field: dict[str, Any], value: Any, out: dict[str, Any]) -> None:
    items = value if isinstance(value, list) else [value]
    ids = [str(item.get("id") if isinstance(item, dict) else item) for item in items]
    out["value_task_ids"] = ids
    out["value_text"] = ", ".join(ids)


def _decode_number(_field: dict[str, Any], value: Any, out: dict[str, Any]) -> None:
    out["value_number"] = to_number(value)
    out["value_text"] = _scalar_text(value)


def _decode_date(_field: dict[str, Any], value: Any, out: dict[str, Any]) -> None:
    out["value_datetime"] = ms_to_iso(value)
    out["value_text"] = out["value_datetime"]


def _decode_checkbox(_field: dict[str, Any], value: Any, out: dict[str, Any]) -> None:
    checked = value if isinstance(value, bool) else str(value).strip().lower() == "true"
    out["value_boolean"] = checked
    out["value_text"] = "true" if checked else "false"


def _decode_location(_field: dict[str, Any], value: Any, out: dict[str, Any]) -> None:
    if isinstance(value, dict):
        out["value_text"] = value.get("formatted_address")
    else:
        out["value_text"] = _scalar_text(value)


def _decode_progress(_field: dict[str, Any], value: Any, out: dict[str, Any]) -> None:
    percent = value.get("percent_completed") if isinstance(value, dict) else value
    out["value_number"] = to_number(percent)
    out["value_text"] = None if out["value_number"] is None else str(out["value_number"])


def _decode_formula(_field: dict[str, Any], value: Any, out: dict[str, Any]) -> None:
    out["value_number"] = to_number(value)
    out["value_text"] = _scalar_text(value)


def _decode_text(_field: dict[str, Any], value: Any, out: dict[str, Any]) -> None:
    if isinstance(value, dict) and "value" in value:
        value = value["value"]
    out["value_text"] = value if isinstance(value, str) else _scalar_text(value)


def _decode_unknown(field: dict[str, Any], value: Any, out: dict[str, Any]) -> None:
    field_type = str(field.get("type"))
    if field_type not in _unknown_types_logged:
        _unknown_types_logged.add(field_type)
        LOGGER.warning("Unknown custom field type %r: keeping only the raw value", field_type)
    out["value_text"] = _scalar_text(value)


DECODERS: dict[str, Callable[[dict[str, Any], Any, dict[str, Any]], None]] = {
    "drop_down": _decode_drop_down,
    "labels": _decode_labels,
    "users": _decode_users,
    "tasks": _decode_tasks,
    "list_relationship": _decode_tasks,
    "number": _decode_number,
    "currency": _decode_number,
    "emoji": _decode_number,
    "date": _decode_date,
    "checkbox": _decode_checkbox,
    "location": _decode_location,
    "manual_progress": _decode_progress,
    "automatic_progress": _decode_progress,
    "progress": _decode_progress,
    "formula": _decode_formula,
    **dict.fromkeys(TEXT_TYPES, _decode_text),
}


def decode_value(field: dict[str, Any]) -> dict[str, Any]:
    """The value columns of one custom-field entry of a task payload.

    A missing ``value`` key, or a null value, is "not set": ``has_value`` false and every
    other column null. ``value_json`` keeps the raw value exactly as sent.
    """
    columns = empty_columns()
    if field.get("value") is None:
        return columns
    value = field["value"]
    columns["has_value"] = True
    columns["value_json"] = value
    decoder = DECODERS.get(str(field.get("type")), _decode_unknown)
    decoder(field, value, columns)
    return columns
