"""One validated record → one staged row (COPY values in column order) and its content hash.

Each column gets a converter chosen once per table layout from its actual PostgreSQL type,
so the per-record work is a single pass over the columns: canonicalise the value for the
hash, and render it for COPY (text format: PostgreSQL parses numbers, ISO timestamps and JSON
text itself). Date-time strings are parsed here, and only here: singer-sdk's own parsing of
every record into ``datetime`` objects (which this target would turn back into text) is
skipped by the sink.
"""

from __future__ import annotations

import datetime
import decimal
import typing as t
from dataclasses import dataclass

from target_extras import type_mapping
from target_extras.errors import InvalidRecordError
from target_extras.record_hash import canonical_number, canonical_value, content_hash, to_json

# value → (canonical value for the hash, value for COPY); ``None`` never reaches a converter.
Converter = t.Callable[[t.Any], tuple[t.Any, t.Any]]


class BadValueError(ValueError):
    """A value that its column cannot take (the caller names stream and column)."""


def _text(value: t.Any) -> tuple[t.Any, t.Any]:
    if isinstance(value, str):
        return value, value
    canonical = canonical_value(value)
    return canonical, to_json(canonical) if isinstance(canonical, dict | list) else canonical


def _timestamptz(value: t.Any) -> tuple[t.Any, t.Any]:
    if isinstance(value, str):
        try:
            iso = datetime.datetime.fromisoformat(value).isoformat()
        except ValueError:
            msg = f"{value[:60]!r} is not an ISO-8601 date-time"
            raise BadValueError(msg) from None
        return iso, iso
    if isinstance(value, datetime.datetime | datetime.date):
        iso = value.isoformat()
        return iso, iso
    msg = f"{value!r} is not a date-time string"
    raise BadValueError(msg)


def _number(value: t.Any) -> tuple[t.Any, t.Any]:
    if isinstance(value, bool):
        msg = f"{value!r} is not a number"
        raise BadValueError(msg)
    if isinstance(value, int):
        return value, value
    if isinstance(value, decimal.Decimal | float):
        number = canonical_number(value)
        return number, number
    try:
        number = canonical_number(decimal.Decimal(str(value)))
    except decimal.InvalidOperation:
        msg = f"{str(value)[:60]!r} is not a number"
        raise BadValueError(msg) from None
    return number, number


def _integer(value: t.Any) -> tuple[t.Any, t.Any]:
    canonical, staged = _number(value)
    if not isinstance(canonical, int):
        msg = f"{value!r} is not an integer"
        raise BadValueError(msg)
    return canonical, staged


def _boolean(value: t.Any) -> tuple[t.Any, t.Any]:
    if isinstance(value, bool):
        return value, value
    msg = f"{value!r} is not a boolean"
    raise BadValueError(msg)


def _jsonb(value: t.Any) -> tuple[t.Any, t.Any]:
    canonical = value if isinstance(value, str | bool | int) else canonical_value(value)
    return canonical, to_json(canonical)


CONVERTERS: dict[str, Converter] = {
    type_mapping.TEXT: _text,
    type_mapping.TIMESTAMPTZ: _timestamptz,
    type_mapping.NUMERIC: _number,
    type_mapping.BIGINT: _integer,
    type_mapping.BOOLEAN: _boolean,
    type_mapping.JSONB: _jsonb,
}


@dataclass(frozen=True)
class ColumnPlan:
    """How to stage one column."""

    name: str
    convert: Converter
    hashed: bool


class RowStager:
    """Stages the records of one stream for the current layout of its landing table."""

    def __init__(
        self,
        stream: str,
        columns: dict[str, str],
        hashed: t.Collection[str],
        key_properties: t.Sequence[str],
    ) -> None:
        """Plan the columns (``columns``: name → actual PostgreSQL type, table order)."""
        self.stream = stream
        self.key_properties = list(key_properties)
        self.plan = [
            ColumnPlan(name, CONVERTERS.get(pg_type, _jsonb), name in hashed)
            for name, pg_type in columns.items()
        ]

    def stage(self, record: dict[str, t.Any]) -> tuple[list[t.Any], str]:
        """COPY values in column order, and the record's content hash.

        Raises:
            InvalidRecordError: A null key property, or a value its column cannot take.
        """
        values: list[t.Any] = []
        content: dict[str, t.Any] = {}
        get = record.get
        for column in self.plan:
            value = get(column.name)
            if value is None:
                values.append(None)
                continue
            try:
                canonical, staged = column.convert(value)
            except BadValueError as exc:
                msg = f"stream '{self.stream}', property '{column.name}': {exc}."
                raise InvalidRecordError(msg) from None
            values.append(staged)
            if column.hashed and canonical is not None:
                content[column.name] = canonical
        for key in self.key_properties:
            if get(key) is None:
                msg = f"stream '{self.stream}': a record has a null key property '{key}'."
                raise InvalidRecordError(msg)
        return values, content_hash(content)
