"""Timestamps, ids, numbers and email hashing."""

from __future__ import annotations

import hashlib

import pytest
from tap_clickup_extended.conversions import hash_email, iso_from_ms, ms_to_iso, to_int


@pytest.mark.parametrize(
    ("value", "iso"),
    [
        ("1777627800000", "2026-05-01T09:30:00.000000+00:00"),
        (1777627800000, "2026-05-01T09:30:00.000000+00:00"),
        ("1777627800123", "2026-05-01T09:30:00.123000+00:00"),
        (1777627800000.0, "2026-05-01T09:30:00.000000+00:00"),
        ("0", None),
        (0, None),
        ("", None),
        (None, None),
        ("soon", None),
    ],
)
def test_ms_to_iso(value: object, iso: str | None) -> None:
    assert ms_to_iso(value) == iso


def test_iso_from_ms_keeps_epoch() -> None:
    assert iso_from_ms(0) == "1970-01-01T00:00:00.000000+00:00"


def test_to_int() -> None:
    assert to_int("3600000") == 3600000
    assert to_int(12.0) == 12
    assert to_int(None) is None
    assert to_int(True) is None


def test_hash_email_salted_and_normalised() -> None:
    expected = hashlib.sha256(b"saltann@example.com").hexdigest()
    assert hash_email(" Ann@Example.com ", "salt") == expected
    assert hash_email(None, "salt") is None
