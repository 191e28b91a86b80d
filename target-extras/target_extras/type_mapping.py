"""JSON Schema property → PostgreSQL column type, as fixed by docs/data-contracts.md §2.

singer-sdk's ``JSONSchemaToSQL`` is not used: the contract's mapping differs from its defaults
(``integer`` → ``bigint``, ``number`` → ``numeric``, objects, arrays and mixed types → ``jsonb``),
and the landing DDL is written as SQL text rather than SQLAlchemy ``Table`` objects.
"""

from __future__ import annotations

import typing as t

TEXT = "text"
TIMESTAMPTZ = "timestamptz"
BIGINT = "bigint"
NUMERIC = "numeric"
BOOLEAN = "boolean"
JSONB = "jsonb"

VOLATILE_FLAG = "x-extras-volatile"
SINGER_METADATA_PREFIX = "_sdc_"


def _branches(prop: dict[str, t.Any]) -> list[dict[str, t.Any]]:
    """Flatten ``anyOf`` / ``oneOf`` into the list of alternative schemas."""
    alternatives = prop.get("anyOf") or prop.get("oneOf")
    if alternatives:
        out: list[dict[str, t.Any]] = []
        for alt in alternatives:
            out.extend(_branches(alt))
        return out
    return [prop]


def _json_types(prop: dict[str, t.Any]) -> set[tuple[str, str | None]]:
    """The non-null (type, format) pairs a property allows."""
    found: set[tuple[str, str | None]] = set()
    for branch in _branches(prop):
        declared = branch.get("type")
        if declared is None:
            found.add(("any", None))
            continue
        names = [declared] if isinstance(declared, str) else list(declared)
        for name in names:
            if name != "null":
                found.add((name, branch.get("format") if name == "string" else None))
    return found


def pg_type(prop: dict[str, t.Any]) -> str:
    """The PostgreSQL type for one top-level property schema."""
    kinds = _json_types(prop)
    names = {name for name, _ in kinds}
    if names == {"string"}:
        formats = {fmt for _, fmt in kinds}
        return TIMESTAMPTZ if formats == {"date-time"} else TEXT
    if names == {"integer"}:
        return BIGINT
    if names in ({"number"}, {"integer", "number"}):
        return NUMERIC
    if names == {"boolean"}:
        return BOOLEAN
    return JSONB


def is_volatile(prop: dict[str, t.Any]) -> bool:
    """Whether the property is excluded from the record hash."""
    return bool(prop.get(VOLATILE_FLAG))


def is_singer_metadata(name: str) -> bool:
    """Whether a property is singer-sdk record metadata (``_sdc_*``), never a column."""
    return name.startswith(SINGER_METADATA_PREFIX)


# Widenings applied in place: (existing, wanted) → the USING expression of ALTER COLUMN TYPE.
# Each keeps every stored value (``{}`` is the column): integer → number is exact, a value in
# jsonb is the same JSON as before, and a timestamp as text is its ISO-8601 form.
_WIDENINGS: dict[tuple[str, str], str] = {
    (BIGINT, NUMERIC): "{}::numeric",
    (BIGINT, JSONB): "to_jsonb({})",
    (NUMERIC, JSONB): "to_jsonb({})",
    (BOOLEAN, JSONB): "to_jsonb({})",
    (TEXT, JSONB): "to_jsonb({})",
    (TIMESTAMPTZ, JSONB): "to_jsonb({})",
    (TIMESTAMPTZ, TEXT): "to_json({}) #>> '{{}}'",
}


def widening(existing: str, wanted: str) -> str | None:
    """The USING expression that widens a column of type ``existing`` to ``wanted``, if any."""
    return _WIDENINGS.get((existing, wanted))


_ACCEPTED = {(NUMERIC, BIGINT), (TEXT, TIMESTAMPTZ)}


def can_accept(existing: str, wanted: str) -> bool:
    """Whether an existing column can store values of ``wanted`` without any change.

    A numeric column takes integers, a jsonb column takes any JSON value, and a text column
    takes date-time strings (the schema gained ``format: date-time``).
    """
    return existing in (wanted, JSONB) or (existing, wanted) in _ACCEPTED
