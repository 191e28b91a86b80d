"""Canonical form and content hash of a record.

The canonical form is what gets hashed and what jsonb columns receive:
- NUL characters (``\\u0000``) are removed from every string and object key, because
  PostgreSQL ``text`` and ``jsonb`` cannot store them; the caller counts the repairs;
- numbers are normalised (``1``, ``1.0`` and ``1.00`` are the same number);
- date-times (parsed by singer-sdk) become ISO-8601 strings.

The hash is the SHA-256 hex digest of the canonical JSON (sorted keys, compact separators) of
the record's declared, non-volatile properties whose value is not null: absent and null are the
same, so adding a nullable property to a stream does not create history on its own.
"""

from __future__ import annotations

import datetime
import decimal
import hashlib
import typing as t

from singer_sdk.singerlib.json import serialize_json


class NulCounter:
    """Counts NUL characters removed while canonicalising values."""

    def __init__(self) -> None:
        """Start at zero."""
        self.removed = 0

    def strip(self, text: str) -> str:
        """Return ``text`` without NUL characters, counting them."""
        if "\x00" not in text:
            return text
        self.removed += text.count("\x00")
        return text.replace("\x00", "")


def canonical_value(value: t.Any, nul: NulCounter) -> t.Any:
    """Return a JSON-ready copy of ``value`` in canonical form."""
    if isinstance(value, str):
        return nul.strip(value)
    if isinstance(value, bool) or value is None or isinstance(value, int):
        return value
    if isinstance(value, decimal.Decimal | float):
        return _canonical_number(value)
    if isinstance(value, dict):
        return {nul.strip(str(k)): canonical_value(v, nul) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [canonical_value(v, nul) for v in value]
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    return nul.strip(str(value))


def _canonical_number(value: decimal.Decimal | float) -> int | decimal.Decimal | float | None:
    """Integral numbers become ``int``; other decimals lose trailing zeros."""
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            return None
        return int(value) if value.is_integer() else value
    if not value.is_finite():
        return None
    if value == value.to_integral_value():
        return int(value)
    return value.normalize()


def to_json(value: t.Any) -> str:
    """Compact JSON with sorted keys; decimals are written exactly (singer-sdk's serializer)."""
    return serialize_json(value, sort_keys=True)


def record_hash(canonical_record: dict[str, t.Any], hashed_properties: t.Iterable[str]) -> str:
    """SHA-256 hex of the canonical JSON of the non-null ``hashed_properties`` of a record."""
    content = {
        name: canonical_record[name]
        for name in hashed_properties
        if canonical_record.get(name) is not None
    }
    return hashlib.sha256(to_json(content).encode("utf-8")).hexdigest()
