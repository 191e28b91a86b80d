"""Benchmarks: `make bench` runs them on the sandbox and an embedded PostgreSQL."""
