"""Builders of Singer messages shared by the tests."""

from __future__ import annotations

import json
import typing as t

TASK_SCHEMA: dict[str, t.Any] = {
    "type": "object",
    "properties": {
        "id": {"type": "string"},
        "name": {"type": ["null", "string"]},
        "archived": {"type": ["null", "boolean"]},
        "orderindex": {"type": ["null", "integer"]},
        "points": {"type": ["null", "number"]},
        "date_updated": {"type": ["null", "string"], "format": "date-time"},
        "tags": {"type": ["null", "array"], "items": {"type": "string"}},
        "type_config": {"type": ["null", "object"]},
        "mixed": {"type": ["null", "string", "integer"]},
        "last_seen": {"type": ["null", "string"], "x-extras-volatile": True},
    },
}


def schema_msg(stream: str = "tasks", keys: list[str] | None = None, schema: dict | None = None):
    """A SCHEMA message."""
    return {
        "type": "SCHEMA",
        "stream": stream,
        "schema": schema or TASK_SCHEMA,
        "key_properties": ["id"] if keys is None else keys,
    }


def record(stream: str = "tasks", at: str = "2026-05-01T10:00:00+00:00", **values: t.Any):
    """A RECORD message with ``time_extracted``."""
    return {"type": "RECORD", "stream": stream, "record": values, "time_extracted": at}


def state(n: int) -> dict:
    """A STATE message."""
    return {"type": "STATE", "value": {"bookmarks": {"tasks": {"n": n}}}}


def singer_lines(messages: list[dict]) -> str:
    """Messages as Singer JSON lines."""
    return "".join(json.dumps(m) + "\n" for m in messages)
