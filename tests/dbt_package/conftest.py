"""The end-to-end fixtures (embedded PostgreSQL, fresh database, sandbox, pipeline environment)."""

from __future__ import annotations

from tests.e2e.conftest import (  # noqa: F401 (fixtures, found by pytest in this namespace)
    database_url,
    pipeline_env,
    postgres_server_url,
    sandbox,
)
