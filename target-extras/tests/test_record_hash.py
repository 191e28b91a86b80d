"""The canonical JSON and content hash, pinned byte for byte (a change must be deliberate)."""

from __future__ import annotations

import hashlib
from decimal import Decimal

import pytest
from target_extras.record_hash import canonical_number, content_hash, to_json
from target_extras.staging import RowStager

COLUMNS = {
    "id": "text",
    "n": "numeric",
    "at": "timestamptz",
    "tags": "jsonb",
    "name": "text",
    "seen": "timestamptz",
}


def _stager() -> RowStager:
    hashed = {"id", "n", "at", "tags", "name"}  # "seen" is volatile
    return RowStager("s", COLUMNS, hashed, ["id"])


def test_canonical_json_is_sorted_compact_utf8_with_exact_decimals() -> None:
    """Sorted keys, no spaces, UTF-8 as is, JSON's own escapes, decimals as written."""
    value = {"b": [1, Decimal("1.5"), 'é ✓\n"\\'], "a": {"y": None, "x": 10**20}}
    expected = '{"a":{"x":100000000000000000000,"y":null},"b":[1,1.5,"é ✓\\n\\"\\\\"]}'
    assert to_json(value) == expected
    assert content_hash(value) == hashlib.sha256(expected.encode()).hexdigest()


@pytest.mark.parametrize(
    ("number", "canonical"),
    [
        (Decimal("1.0"), 1),
        (Decimal("1.50"), Decimal("1.5")),
        (Decimal("-0.000"), 0),
        (2.0, 2),
        (float("nan"), None),
        (Decimal("1E+5000"), Decimal("1E+5000")),  # too long for an int: stays a decimal
    ],
)
def test_numbers_are_normalised(number: Decimal | float, canonical: object) -> None:
    """Integral numbers become ints; trailing zeros go; NaN and infinities are null."""
    result = canonical_number(number)
    assert result == canonical
    assert type(result) is type(canonical)


def test_record_hash_ignores_nulls_volatile_and_notation() -> None:
    """Same content, different notation or volatile value: same hash; a change: another."""
    stager = _stager()
    values, first = stager.stage(
        {
            "id": "1",
            "n": Decimal("2.50"),
            "at": "2026-05-01T09:30:00Z",
            "tags": ["a"],
            "seen": "2026-05-20T00:00:00Z",
        }
    )
    _, same = stager.stage(
        {
            "id": "1",
            "n": Decimal("2.5"),
            "at": "2026-05-01T09:30:00+00:00",
            "tags": ["a"],
            "name": None,
            "seen": "2026-06-01T00:00:00+00:00",
        }
    )
    _, changed = stager.stage({"id": "1", "n": Decimal("2.5"), "at": "2026-05-01T09:30:00Z"})
    assert first == same != changed
    content = '{"at":"2026-05-01T09:30:00+00:00","id":"1","n":2.5,"tags":["a"]}'
    assert first == hashlib.sha256(content.encode()).hexdigest()
    staged = ["1", Decimal("2.5"), "2026-05-01T09:30:00+00:00", '["a"]', None]
    assert values == [*staged, "2026-05-20T00:00:00+00:00"]
