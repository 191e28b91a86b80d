"""The guard's settings, read from ``AIRBYTE_GUARD_*`` environment variables (Meltano sets them)."""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass

PREFIX = "AIRBYTE_GUARD_"


class GuardSettingsError(ValueError):
    """A setting that cannot be used; the message names it and says what to give instead."""


@dataclass(frozen=True)
class GuardSettings:
    """Where to look for Airbyte's activity and how long to wait for it to end."""

    database_url: str
    schemas: tuple[str, ...] = ("airbyte_raw", "airbyte_internal")
    quiet_seconds: float = 120.0
    timeout_seconds: float = 1800.0
    poll_seconds: float = 15.0
    on_timeout: str = "fail"
    api_url: str = ""
    api_token: str = ""
    client_id: str = ""
    client_secret: str = ""
    connection_ids: tuple[str, ...] = ()

    @property
    def api_configured(self) -> bool:
        return bool(self.api_url)


def _number(environ: Mapping[str, str], name: str, default: float) -> float:
    raw = environ.get(PREFIX + name.upper(), "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise GuardSettingsError(
            f"{PREFIX}{name.upper()}={raw!r} is not a number of seconds; give e.g. 120"
        ) from None
    if value < 0:
        raise GuardSettingsError(f"{PREFIX}{name.upper()} must be 0 or more (got {raw})")
    return value


def _names(environ: Mapping[str, str], name: str, default: tuple[str, ...]) -> tuple[str, ...]:
    """A JSON array (as Meltano exports array settings) or a comma-separated list."""
    raw = environ.get(PREFIX + name.upper(), "").strip()
    if not raw:
        return default
    if raw.startswith("["):
        try:
            items = json.loads(raw)
        except json.JSONDecodeError:
            raise GuardSettingsError(
                f"{PREFIX}{name.upper()} is not a JSON array; give e.g. "
                '["airbyte_raw"] or airbyte_raw,airbyte_internal'
            ) from None
        return tuple(str(item) for item in items if str(item).strip())
    return tuple(part.strip() for part in raw.split(",") if part.strip())


def load_settings(environ: Mapping[str, str] | None = None) -> GuardSettings:
    """Settings from the environment; the database defaults to ``DATABASE_URL``."""
    env = os.environ if environ is None else environ
    database_url = env.get(PREFIX + "DATABASE_URL", "").strip() or env.get("DATABASE_URL", "")
    if not database_url.strip():
        raise GuardSettingsError(
            "no database to watch: set DATABASE_URL (or AIRBYTE_GUARD_DATABASE_URL) to the "
            "PostgreSQL that holds Airbyte's tables"
        )
    on_timeout = env.get(PREFIX + "ON_TIMEOUT", "").strip() or "fail"
    if on_timeout not in {"fail", "proceed"}:
        raise GuardSettingsError(
            f"{PREFIX}ON_TIMEOUT={on_timeout!r}: give fail (default) or proceed"
        )
    schemas = _names(env, "schemas", ("airbyte_raw", "airbyte_internal"))
    airbyte_schema = env.get("CLICKUP_AIRBYTE_SCHEMA", "").strip()
    if airbyte_schema and airbyte_schema not in schemas:
        schemas = (*schemas, airbyte_schema)
    return GuardSettings(
        database_url=database_url.strip(),
        schemas=schemas,
        quiet_seconds=_number(env, "quiet_seconds", 120.0),
        timeout_seconds=_number(env, "timeout_seconds", 1800.0),
        poll_seconds=max(0.2, _number(env, "poll_seconds", 15.0)),
        on_timeout=on_timeout,
        api_url=env.get(PREFIX + "API_URL", "").strip().rstrip("/"),
        api_token=env.get(PREFIX + "API_TOKEN", "").strip(),
        client_id=env.get(PREFIX + "CLIENT_ID", "").strip(),
        client_secret=env.get(PREFIX + "CLIENT_SECRET", "").strip(),
        connection_ids=_names(env, "connection_ids", ()),
    )
