"""Settings of the webhook commands: defaults < config file < environment < command-line options.

Webhook secrets are the exception: those of the config file and of ``CLICKUP_WEBHOOK_SECRETS``
are all accepted (and the receiver adds those stored by the management command).

The config file is JSON (like the target's). Secrets (webhook secrets, the database password,
the ClickUp token) are read here and never printed: errors name the setting, not its value.
"""

from __future__ import annotations

import dataclasses
import json
import os
import re
import typing as t
from dataclasses import dataclass, field
from pathlib import Path

import psycopg.conninfo

from clickup_webhook_receiver.errors import SettingsError
from clickup_webhook_receiver.secret_cipher import SecretCipher, cipher_of
from clickup_webhook_receiver.signing import SigningKey

DEFAULT_BASE_URL = "https://api.clickup.com/api/v2"
DEFAULT_AIRBYTE_SCHEMAS = ("airbyte_raw", "airbyte_internal")
_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_$]{0,62}$")
_PG_ENVIRONMENT = ("PGHOST", "PGDATABASE", "PGUSER", "PGSERVICE", "PGPORT")

# Environment variable -> setting, in order: a later variable wins over an earlier one, so the
# receiver's own CLICKUP_WEBHOOKS_DATABASE_URL beats DATABASE_URL, the project-wide one.
ENVIRONMENT: dict[str, str] = {
    "DATABASE_URL": "database_url",
    "CLICKUP_WEBHOOKS_DATABASE_URL": "database_url",
    "CLICKUP_WEBHOOKS_SCHEMA": "schema",
    "CLICKUP_WEBHOOK_SECRETS": "secrets",
    "CLICKUP_WEBHOOKS_HOST": "host",
    "CLICKUP_WEBHOOKS_PORT": "port",
    "CLICKUP_WEBHOOKS_PATH": "path",
    "CLICKUP_WEBHOOKS_MAX_BODY_BYTES": "max_body_bytes",
    "CLICKUP_API_TOKEN": "clickup_api_token",
    "CLICKUP_BASE_URL": "clickup_base_url",
    "CLICKUP_WEBHOOKS_SECRETS_KEY": "secrets_key",
}
KNOWN = {
    "database_url",
    "schema",
    "airbyte_schemas",
    "secrets",
    "secrets_from_database",
    "secrets_refresh_seconds",
    "host",
    "port",
    "path",
    "max_body_bytes",
    "header_timeout_seconds",
    "body_timeout_seconds",
    "keep_alive_seconds",
    "max_connections",
    "secrets_key",
    "database_timeout_seconds",
    "pool_max_size",
    "clickup_api_token",
    "clickup_base_url",
}


@dataclass(frozen=True)
class Settings:
    """Everything the receiver and the management command need."""

    database_url: str = field(repr=False)
    schema: str = "clickup_extras"
    airbyte_schemas: tuple[str, ...] = DEFAULT_AIRBYTE_SCHEMAS
    keys: tuple[SigningKey, ...] = ()
    secrets_from_database: bool = True
    secrets_refresh_seconds: float = 60.0
    host: str = "127.0.0.1"
    port: int = 8000
    path: str = "/webhook"
    max_body_bytes: int = 1_048_576
    #: A connection whose request headers are not complete by then is closed.
    header_timeout_seconds: float = 10.0
    #: A body not complete this long after its headers is answered 408 (connection closed).
    body_timeout_seconds: float = 10.0
    #: An idle kept-alive connection is closed after this long (uvicorn's timeout_keep_alive).
    keep_alive_seconds: float = 5.0
    #: Connections beyond this are closed at once (and uvicorn's limit_concurrency).
    max_connections: int = 256
    #: Fernet key(s) encrypting the stored webhook secrets: ``new,old`` while rotating.
    secrets_key: str | None = field(default=None, repr=False)
    database_timeout_seconds: float = 2.0
    pool_max_size: int = 10
    clickup_api_token: str | None = field(default=None, repr=False)
    clickup_base_url: str = DEFAULT_BASE_URL

    def secret_cipher(self) -> SecretCipher | None:
        """The cipher of ``secrets_key`` (None: secrets are stored in plaintext)."""
        return cipher_of(self.secrets_key)

    @property
    def database_location(self) -> str:
        """Where the database is, without the password: for logs and messages."""
        return describe_database(self.database_url)

    def require_token(self) -> str:
        """The ClickUp API token, or a one-line error saying how to set it."""
        if not self.clickup_api_token:
            raise SettingsError(
                "no ClickUp API token: set CLICKUP_API_TOKEN or clickup_api_token in the config file."
            )
        return self.clickup_api_token


def load_settings(
    config_path: Path | None = None,
    overrides: dict[str, t.Any] | None = None,
    environ: t.Mapping[str, str] | None = None,
) -> Settings:
    """Merge the layers and validate them.

    Raises:
        SettingsError: One line naming the bad setting (never its value when it is a secret).
    """
    env = os.environ if environ is None else environ
    raw: dict[str, t.Any] = {}
    if config_path is not None:
        raw.update(_read_config(config_path))
    for variable, name in ENVIRONMENT.items():
        value = env.get(variable, "").strip()
        if value and name != "secrets":
            raw[name] = value
    raw.update({k: v for k, v in (overrides or {}).items() if v is not None})
    settings = _validate(raw, env)
    # Secrets add up: the config file's and CLICKUP_WEBHOOK_SECRETS's are all accepted.
    extra = parse_secrets(env.get("CLICKUP_WEBHOOK_SECRETS", "").strip())
    known = {k.secret for k in settings.keys}
    keys = (*settings.keys, *(k for k in extra if k.secret not in known))
    return dataclasses.replace(settings, keys=keys)


def _read_config(path: Path) -> dict[str, t.Any]:
    try:
        data = json.loads(path.read_text())
    except FileNotFoundError:
        raise SettingsError(f"config file {path} does not exist.") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise SettingsError(f"cannot read config file {path}: {exc.__class__.__name__}.") from None
    except json.JSONDecodeError as exc:
        raise SettingsError(f"config file {path} is not valid JSON (line {exc.lineno}).") from None
    if not isinstance(data, dict):
        raise SettingsError(f"config file {path} must hold a JSON object.")
    unknown = sorted(set(data) - KNOWN)
    if unknown:
        raise SettingsError(
            f"config file {path}: unknown setting(s) {', '.join(unknown)}; "
            f"known: {', '.join(sorted(KNOWN))}."
        )
    return data


def _validate(raw: dict[str, t.Any], env: t.Mapping[str, str]) -> Settings:
    schema = _text(raw, "schema", "clickup_extras")
    if not _IDENTIFIER.match(schema):
        raise SettingsError(f"schema {schema!r} is not a plain PostgreSQL identifier.")
    airbyte = raw.get("airbyte_schemas", list(DEFAULT_AIRBYTE_SCHEMAS))
    if isinstance(airbyte, str):
        airbyte = [s.strip() for s in airbyte.split(",") if s.strip()]
    if not isinstance(airbyte, list) or not all(isinstance(s, str) for s in airbyte):
        raise SettingsError("airbyte_schemas must be a list of schema names.")
    path = _text(raw, "path", "/webhook")
    if not path.startswith("/") or path == "/health":
        raise SettingsError("path must start with '/' and must not be /health.")
    base_url = _text(raw, "clickup_base_url", DEFAULT_BASE_URL).rstrip("/")
    if not base_url.startswith(("http://", "https://")):
        raise SettingsError("clickup_base_url must start with http:// or https://.")
    return Settings(
        database_url=_database_url(raw, env),
        schema=schema,
        airbyte_schemas=tuple(airbyte),
        keys=parse_secrets(raw.get("secrets")),
        secrets_from_database=_boolean(raw, "secrets_from_database", True),
        secrets_refresh_seconds=_number(raw, "secrets_refresh_seconds", 60.0, low=1.0),
        host=_text(raw, "host", "127.0.0.1"),
        port=int(_number(raw, "port", 8000, low=0, high=65535, integer=True)),
        path=path,
        max_body_bytes=int(_number(raw, "max_body_bytes", 1_048_576, low=1, integer=True)),
        header_timeout_seconds=_number(raw, "header_timeout_seconds", 10.0, low=0.1, high=300),
        body_timeout_seconds=_number(raw, "body_timeout_seconds", 10.0, low=0.1, high=300),
        keep_alive_seconds=_number(raw, "keep_alive_seconds", 5.0, low=0.1, high=300),
        max_connections=int(_number(raw, "max_connections", 256, low=1, integer=True)),
        secrets_key=_secrets_key(raw),
        database_timeout_seconds=_number(raw, "database_timeout_seconds", 2.0, low=0.1, high=6.0),
        pool_max_size=int(_number(raw, "pool_max_size", 10, low=1, high=200, integer=True)),
        clickup_api_token=raw.get("clickup_api_token") or None,
        clickup_base_url=base_url,
    )


def _secrets_key(raw: dict[str, t.Any]) -> str | None:
    value = raw.get("secrets_key") or None
    if value is not None and not isinstance(value, str):
        raise SettingsError("secrets_key must be a string of comma-separated Fernet keys.")
    if value:
        cipher_of(value)  # a malformed key is one line now, not at the first secret
    return value


def parse_secrets(value: t.Any) -> tuple[SigningKey, ...]:
    """Secrets from the config (list of strings or ``{id, secret}``, or ``{id: secret}``) or the
    environment (``id=secret,id2=secret2`` or bare ``secret,secret2``)."""
    if value is None or value == "":
        return ()
    pairs: list[tuple[str | None, t.Any]]
    if isinstance(value, str):
        pairs = []
        for item in (part.strip() for part in value.split(",")):
            if item:
                name, sep, secret = item.partition("=")
                pairs.append((name.strip(), secret.strip()) if sep else (None, item))
    elif isinstance(value, dict):
        pairs = list(value.items())
    elif isinstance(value, list):
        pairs = [
            (item.get("id"), item.get("secret")) if isinstance(item, dict) else (None, item)
            for item in value
        ]
    else:
        raise SettingsError("secrets must be a list, an object or a comma-separated string.")
    keys: list[SigningKey] = []
    for key_id, key_secret in pairs:
        if not isinstance(key_secret, str) or not key_secret:
            raise SettingsError(
                f"secret {key_id or len(keys) + 1} is empty or not a string (values not shown)."
            )
        keys.append(
            SigningKey(str(key_id) if key_id else SigningKey.fingerprint(key_secret), key_secret)
        )
    return tuple(keys)


def _database_url(raw: dict[str, t.Any], env: t.Mapping[str, str]) -> str:
    url = raw.get("database_url")
    if not url:
        if any(env.get(name) for name in _PG_ENVIRONMENT):
            return ""  # libpq reads PGHOST, PGUSER, ... itself
        raise SettingsError(
            "no database: set database_url in the config file, DATABASE_URL, or the PG* variables."
        )
    if not isinstance(url, str):
        raise SettingsError("database_url must be a string.")
    url = url.replace("postgresql+psycopg://", "postgresql://", 1)
    is_uri = url.startswith(("postgresql://", "postgres://"))
    if not is_uri and ("://" in url or "=" not in url):
        raise SettingsError(
            "database_url must start with postgresql:// (or be a libpq key=value string; "
            "value not shown)."
        )
    try:
        psycopg.conninfo.conninfo_to_dict(url)
    except psycopg.ProgrammingError:
        raise SettingsError(
            "database_url is not a valid PostgreSQL URI (value not shown)."
        ) from None
    return url


def describe_database(url: str) -> str:
    """``user@host:port/dbname`` of a libpq URI, without the password."""
    try:
        info = psycopg.conninfo.conninfo_to_dict(url)
    except psycopg.ProgrammingError:
        return "<invalid database_url>"
    host = str(info.get("host") or os.environ.get("PGHOST") or "localhost")
    user = str(info.get("user") or os.environ.get("PGUSER") or "")
    port = str(info.get("port") or os.environ.get("PGPORT") or "")
    dbname = str(info.get("dbname") or os.environ.get("PGDATABASE") or "")
    return f"{user + '@' if user else ''}{host}{':' + port if port else ''}/{dbname}"


def _text(raw: dict[str, t.Any], name: str, default: str) -> str:
    value = raw.get(name, default)
    if not isinstance(value, str) or not value.strip():
        raise SettingsError(f"{name} must be a non-empty string.")
    return value.strip()


def _boolean(raw: dict[str, t.Any], name: str, default: bool) -> bool:
    value = raw.get(name, default)
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in {"true", "false", "1", "0"}:
        return value.lower() in {"true", "1"}
    raise SettingsError(f"{name} must be true or false.")


def _number(
    raw: dict[str, t.Any],
    name: str,
    default: float,
    *,
    low: float,
    high: float | None = None,
    integer: bool = False,
) -> float:
    value = raw.get(name, default)
    try:
        number = int(value) if integer else float(value)
    except (TypeError, ValueError):
        number = None
    if isinstance(value, bool) or number is None or number < low or (high and number > high):
        limits = f">= {low}" + (f" and <= {high}" if high else "")
        kind = "an integer" if integer else "a number"
        raise SettingsError(f"{name} must be {kind} {limits} (got {value!r}).")
    return number
