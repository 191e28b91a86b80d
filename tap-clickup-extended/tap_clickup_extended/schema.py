"""Helpers to build the streams' JSON schemas with the contract's extra keyword."""

from __future__ import annotations

from typing import Any

from singer_sdk import typing as th

VOLATILE = "x-extras-volatile"
#: Any JSON value (``value_json``): the target stores it as jsonb. An explicit type list,
#: because singer-sdk cannot conform list values against an empty schema.
ANY_JSON: dict[str, Any] = {
    "type": ["array", "object", "string", "number", "integer", "boolean", "null"]
}


def build_schema(properties: th.PropertiesList, volatile: tuple[str, ...] = ()) -> dict:
    """The schema dict, with ``x-extras-volatile: true`` on each property in ``volatile``."""
    schema = properties.to_dict()
    for name in volatile:
        schema["properties"][name][VOLATILE] = True
    return schema


def iso_property(name: str) -> th.Property:
    """A nullable ``date-time`` string property."""
    return th.Property(name, th.DateTimeType)
