"""Benchmarks: `make bench` runs them on the sandbox and an embedded PostgreSQL.

Imported by: `make bench` (`python -m bench`), `tests/bench_tests/` and the late-load e2e
tests (`dbt_incremental.append_landing_versions`). It may import every package.
"""
