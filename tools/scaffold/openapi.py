"""The shape of a new endpoint's records, from ClickUp's OpenAPI definition when there is one."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any

from jsonschema import Draft202012Validator

from tests.sandbox_tests.schemas import openapi_file_for, response_schema


@dataclass(slots=True)
class Shape:
    """One record as the sandbox will serve it, plus the response's other required keys."""

    openapi_file: str | None
    records_key: str
    record: dict[str, Any]
    envelope: dict[str, Any] = field(default_factory=dict)


def _first_type(schema: dict[str, Any]) -> str | None:
    kind = schema.get("type")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), None)
    return kind if isinstance(kind, str) else None


def synthesize(schema: dict[str, Any]) -> Any:
    """A small value that fits ``schema``: its first example, else its required parts."""
    examples = schema.get("examples")
    if isinstance(examples, list) and examples:
        return copy.deepcopy(examples[0])
    for alternatives in ("anyOf", "oneOf", "allOf"):
        if schema.get(alternatives):
            return synthesize(schema[alternatives][0])
    kind = _first_type(schema)
    if kind == "object":
        properties = schema.get("properties") or {}
        return {key: synthesize(properties.get(key) or {}) for key in schema.get("required") or []}
    return {"array": [], "string": "", "integer": 0, "number": 0, "boolean": False}.get(kind or "")


def shape_for(path: str, name: str, key: str, records_key: str | None) -> Shape:
    """The record shape of ``GET path``: OpenAPI-valid when a definition exists."""
    filename = openapi_file_for("GET", path)
    if filename is None:
        return Shape(None, records_key or name, {key: "", "name": ""})
    schema = response_schema(filename)
    properties = schema.get("properties") or {}
    arrays = [k for k, v in properties.items() if _first_type(v) == "array"]
    chosen = records_key or (name if name in arrays else (arrays[0] if len(arrays) == 1 else name))
    item_schema = (properties.get(chosen) or {}).get("items") or {}
    record = synthesize(item_schema) if item_schema else {}
    if not isinstance(record, dict):
        record = {}
    record.setdefault(key, "")
    record.setdefault("name", "")
    envelope = {
        k: synthesize(properties.get(k) or {}) for k in schema.get("required") or [] if k != chosen
    }
    candidate = {chosen: [record], **envelope}
    if list(Draft202012Validator(schema).iter_errors(candidate)):
        # The spec's example does not fit its own schema: fall back to the required parts.
        record = synthesize({k: v for k, v in item_schema.items() if k != "examples"})
        record = record if isinstance(record, dict) else {}
        record.setdefault(key, "")
        record.setdefault("name", "")
    return Shape(filename, chosen, record, envelope)
