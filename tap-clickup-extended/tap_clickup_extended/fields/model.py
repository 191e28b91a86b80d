"""``Field`` and ``StreamFields``: one declaration of a stream's columns, from payload to staging.

A ``Field`` is one top-level property of a stream's records: its landing name and Singer type
(the JSON schema the tap emits), the analyst-facing description, the staging name and SQL type
of ``stg_clickup_extras__<stream>`` (derived unless overridden), the comment heading it is
grouped under in the column macro, the dbt ``data_tests`` of the current and history models,
and, where the mapping from ClickUp's payload is mechanical, its ``source`` path and converter.
``python -m tools.generate_fields`` (``make generate``) writes the dbt files and the contracts
table from these declarations.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from singer_sdk import typing as th

from tap_clickup_extended.schema import build_schema

#: The comment headings of the column macro, in their order.
GROUPS = ("ids", "strings", "numerics", "booleans", "json (arrays and objects)", "timestamps (UTC)")
#: A Singer type as singer-sdk spells it: ``th.StringType`` or ``th.ArrayType(th.IntegerType)``.
SingerType = Any


def _sql_type(spec: dict[str, Any]) -> str:
    """The PostgreSQL type target-extras lands a property as (docs/data-contracts.md §2)."""
    kind = spec.get("type", [])
    kinds = [k for k in ([kind] if isinstance(kind, str) else kind) if k != "null"]
    if kinds == ["string"]:
        return "timestamptz" if spec.get("format") == "date-time" else "text"
    return {"integer": "bigint", "number": "numeric", "boolean": "boolean"}.get(
        kinds[0] if len(kinds) == 1 else "", "jsonb"
    )


@dataclass(frozen=True)
class Field:
    """One column of a stream, declared once."""

    name: str
    type: SingerType
    description: str | None = None
    staging_name: str | None = None
    sql_type: str | None = None
    group: str | None = None
    required: bool = False
    volatile: bool = False
    allowed_values: tuple[str, ...] | None = None
    #: Dotted path in ClickUp's object (``status.color``), when the value is read mechanically.
    source: str | None = None
    convert: Callable[[Any], Any] | None = None
    #: dbt data_tests of the column in both staging models, and in one of them only.
    tests: tuple[str, ...] = ()
    current_tests: tuple[str, ...] = ()
    history_tests: tuple[str, ...] = ()
    #: False: landed but not selected by the staging models.
    staged: bool = True

    def singer_property(self) -> th.Property:
        """The singer-sdk property."""
        extra: dict[str, Any] = {}
        if self.allowed_values is not None:
            extra["allowed_values"] = list(self.allowed_values)
        return th.Property(self.name, self.type, required=self.required, **extra)

    @property
    def landing_type(self) -> str:
        """The landing table's column type."""
        spec = th.PropertiesList(self.singer_property()).to_dict()["properties"][self.name]
        return _sql_type(spec)

    @property
    def staging_type(self) -> str:
        """The staging model's SQL type: the landing type unless overridden."""
        return self.sql_type or self.landing_type

    @property
    def staging_column(self) -> str:
        """The staging model's column name."""
        return self.staging_name or self.name

    @property
    def macro_group(self) -> str:
        """The column macro's heading of this field."""
        if self.group is not None:
            return self.group
        sql = self.staging_type
        if sql == "timestamptz":
            return GROUPS[5]
        if sql in {"text", "bigint"} and (self.name == "id" or self.name.endswith("_id")):
            return GROUPS[0]
        return {
            "text": GROUPS[1],
            "bigint": GROUPS[2],
            "numeric": GROUPS[2],
            "boolean": GROUPS[3],
        }.get(sql, GROUPS[4])

    @property
    def doc(self) -> str:
        """The analyst-facing description (a mechanical one when none is declared)."""
        return self.description or f"`{self.name}` of the stream ({self.staging_type})."

    def read(self, payload: dict[str, Any]) -> Any:
        """The value at ``source`` in ``payload`` (``None`` on a missing step), converted."""
        if self.source is None:
            raise ValueError(f"field {self.name!r} declares no source")
        value: Any = payload
        for step in self.source.split("."):
            value = value.get(step) if isinstance(value, dict) else None
        return self.convert(value) if self.convert is not None else value


@dataclass(frozen=True)
class StreamFields:
    """Every field of one stream, in the order of its JSON schema."""

    stream: str
    description: str
    fields: tuple[Field, ...]
    #: Overrides of the staging models' descriptions (else derived from ``description``).
    current_description: str | None = None
    history_description: str | None = None
    #: Staging column names whose combination is unique in the current model.
    unique_combination: tuple[str, ...] = ()
    #: The description of ``extras_xmin`` (the writing transaction), when the history model
    #: selects it (its SQL reads the landing table's system columns).
    history_xmin: str | None = None

    def __post_init__(self) -> None:
        names = [f.name for f in self.fields]
        if len(set(names)) != len(names):
            raise ValueError(f"{self.stream}: a field is declared twice")

    def schema(self) -> dict:
        """The stream's JSON schema (with the contract's volatile marks)."""
        return build_schema(
            th.PropertiesList(*(f.singer_property() for f in self.fields)),
            volatile=tuple(f.name for f in self.fields if f.volatile),
        )

    def __getitem__(self, name: str) -> Field:
        return next(f for f in self.fields if f.name == name)

    def record(self, payload: dict[str, Any], **computed: Any) -> dict[str, Any]:
        """The record in schema order: a field's value from ``computed``, else from its ``source``.

        A field with neither is a declaration error, raised at once (not a silent null).
        """
        unknown = set(computed) - {f.name for f in self.fields}
        if unknown:
            raise ValueError(f"{self.stream}: no field named {', '.join(sorted(unknown))}")
        record: dict[str, Any] = {}
        for f in self.fields:
            if f.name in computed:
                record[f.name] = computed[f.name]
            elif f.source is not None:
                record[f.name] = f.read(payload)
            else:
                raise ValueError(f"{self.stream}.{f.name}: no source declared and no value given")
        return record

    def complete(self, record: dict[str, Any], payload: dict[str, Any]) -> dict[str, Any]:
        """``record`` with every field it lacks that declares a ``source``, read from ``payload``.

        ``ClickUpStream.post_process`` applies it after a hand-written ``transform_record``, so a
        mechanical field needs no line there: its declaration (with ``source``) is the whole edit.
        """
        missing = [f for f in self.fields if f.source is not None and f.name not in record]
        if not missing:
            return record
        return {**record, **{f.name: f.read(payload) for f in missing}}

    @property
    def staged(self) -> tuple[Field, ...]:
        """The fields the staging models select."""
        return tuple(f for f in self.fields if f.staged)
