"""Fixtures of the crash tests: the e2e tests' PostgreSQL server and a fresh database per test."""

from __future__ import annotations

from tests.e2e.conftest import database_url, postgres_server_url

__all__ = ["database_url", "postgres_server_url"]
