"""Small value conversions shared by the streams: ClickUp timestamps, ids, numbers, PII."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def ms_to_datetime(value: Any) -> datetime | None:
    """A ClickUp ms timestamp (int, float, Decimal or numeric string) as an aware UTC datetime.

    ``None``, ``""``, ``0`` and ``"0"`` mean "no date" and give ``None``; so does anything
    that is not a number.
    """
    if value is None or isinstance(value, bool):
        return None
    try:
        ms = int(Decimal(str(value).strip()))
    except (InvalidOperation, ValueError):
        return None
    if ms == 0:
        return None
    return EPOCH + timedelta(milliseconds=ms)


def iso_from_ms(ms: int) -> str:
    """Integer ms since the epoch as an ISO-8601 UTC string (0 is the epoch itself)."""
    return (EPOCH + timedelta(milliseconds=ms)).isoformat(timespec="microseconds")


def ms_to_iso(value: Any) -> str | None:
    """A ClickUp ms timestamp as ``2026-05-01T09:30:00.000000+00:00`` (or ``None``)."""
    moment = ms_to_datetime(value)
    return None if moment is None else moment.isoformat(timespec="microseconds")


def datetime_to_ms(moment: datetime) -> int:
    """An aware datetime as integer ms since the epoch."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return (moment - EPOCH) // timedelta(milliseconds=1)


def id_str(value: Any) -> str | None:
    """An id as a string (ClickUp sends some ids as numbers); ``None`` stays ``None``."""
    if value is None or value == "":
        return None
    return str(value)


def to_int(value: Any) -> int | None:
    """An int from an int, float or numeric string; ``None`` for anything else."""
    if value is None or isinstance(value, bool) or value == "":
        return None
    try:
        return int(Decimal(str(value)))
    except (InvalidOperation, ValueError):
        return None


def to_number(value: Any) -> int | Decimal | None:
    """A number from a number or numeric string, kept exact (int when integral)."""
    if value is None or isinstance(value, bool):
        return None
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        return None
    if not number.is_finite():
        return None
    return int(number) if number == number.to_integral_value() else number


def hash_email(email: str | None, salt: str) -> str | None:
    """SHA-256 (hex) of ``salt`` + the trimmed, lower-cased email; ``None`` stays ``None``."""
    if not email:
        return None
    return hashlib.sha256((salt + email.strip().lower()).encode()).hexdigest()
