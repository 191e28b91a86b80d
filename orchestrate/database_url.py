"""PostgreSQL connection strings: parse a libpq URI into the PG* variables dbt and psql read."""

from __future__ import annotations

from urllib.parse import parse_qs, unquote, urlsplit


class DatabaseUrlError(ValueError):
    """A DATABASE_URL that cannot be used, with a message that says how to fix it."""


def libpq_environment(database_url: str) -> dict[str, str]:
    """Return PGHOST, PGPORT, PGUSER, PGPASSWORD and PGDATABASE for a postgresql:// URI.

    Handles unix-socket URIs (``postgresql://postgres:@/postgres?host=/path``) as written by
    pgserver, and TCP ones (``postgresql://user:secret@db.example.com:5432/analytics``).
    """
    parts = urlsplit(database_url)
    if parts.scheme not in {"postgresql", "postgres", "postgresql+psycopg"}:
        raise DatabaseUrlError(
            f"DATABASE_URL must start with postgresql:// (got scheme {parts.scheme!r}); "
            "example: postgresql://user:password@localhost:5432/analytics"
        )
    query = parse_qs(parts.query)
    host = query.get("host", [parts.hostname or ""])[0]
    if not host:
        host = "localhost"
    database = unquote(parts.path.lstrip("/")) or query.get("dbname", ["postgres"])[0]
    environment = {
        "PGHOST": host,
        "PGPORT": str(parts.port or query.get("port", ["5432"])[0]),
        "PGUSER": unquote(parts.username or "") or query.get("user", ["postgres"])[0],
        "PGPASSWORD": unquote(parts.password or "") or query.get("password", [""])[0],
        "PGDATABASE": database,
    }
    return environment


def redact(database_url: str) -> str:
    """The URI with its password replaced, safe for logs and error messages."""
    parts = urlsplit(database_url)
    netloc = parts.netloc
    if parts.password:
        netloc = netloc.replace(f":{parts.password}@", ":***@", 1)
    query = "&".join(
        "password=***" if item.startswith("password=") else item
        for item in parts.query.split("&")
        if item
    )
    return parts._replace(netloc=netloc, query=query).geturl()
