"""Validate benchmark results against bench/results.schema.json (jsonschema, draft 2020-12)."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator

SCHEMA_PATH = Path(__file__).resolve().with_name("results.schema.json")


@cache
def schema() -> dict[str, Any]:
    return json.loads(SCHEMA_PATH.read_text())


def _first_error(instance: Any, subschema: dict[str, Any]) -> str | None:
    validator = Draft202012Validator(subschema, format_checker=Draft202012Validator.FORMAT_CHECKER)
    errors = sorted(validator.iter_errors(instance), key=lambda e: list(e.absolute_path))
    if not errors:
        return None
    error = errors[0]
    where = "/".join(str(part) for part in error.absolute_path) or "(top)"
    more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
    return f"at {where}: {error.message}{more}"


def report_error(report: dict[str, Any]) -> str | None:
    """None if the whole report matches the schema, else its first problem in one line."""
    return _first_error(report, schema())


def section_error(result: Any) -> str | None:
    """None if a section's ``measure`` result matches ``$defs/section_result``."""
    root = schema()
    subschema = {
        "$defs": root["$defs"],
        "$ref": "#/$defs/section_result",
        "unevaluatedProperties": False,  # no keys beyond the documented ones
    }
    return _first_error(result, subschema)
