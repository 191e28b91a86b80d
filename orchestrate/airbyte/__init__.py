"""Airbyte's ClickUp connector beside our pipeline: its own virtualenv, its manifest, a sync.

- `install`: the Airbyte virtualenv (`.airbyte/venv`, PyAirbyte only) and the connector's
  manifest taken out of the `airbyte-source-clickup-api` wheel, both installed once.
- `runner`: the script the Airbyte virtualenv's Python runs (PyAirbyte -> PostgresCache).
- `sync`: `run_airbyte_sync(...)`, what the demo, the integration test and the benchmark call.

Imported by: `orchestrate.demo`, the Airbyte tests (`tests/airbyte/`) and the Airbyte
benchmark. Nothing in the shipped packages imports it.
"""
