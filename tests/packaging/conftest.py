"""Fixtures of the packaging tests: the end-to-end fixtures (PostgreSQL, the sandbox), reused.

``postgres_server_url`` (TEST_DATABASE_URL or a throwaway embedded PostgreSQL), ``database_url``
(a fresh database per test) and ``sandbox`` (a small ClickUp sandbox) are the ones of
``tests/e2e/conftest.py``, imported so the Hub-definition test runs the same services.
"""

from __future__ import annotations

from tests.e2e.conftest import database_url, postgres_server_url, sandbox

__all__ = ["database_url", "postgres_server_url", "sandbox"]
