"""The Airbyte guard: before dbt runs, wait while Airbyte is mid-sync, up to a bound.

Airbyte counts as mid-sync when any of these holds (``probes.py``, ``api.py``):

- another session holds a write lock on a table in one of Airbyte's schemas (a load in flight);
- a row in those schemas is newer than ``quiet_seconds`` (``_airbyte_extracted_at`` /
  ``_airbyte_loaded_at`` / ``_airbyte_emitted_at`` columns, PyAirbyte's ``_airbyte_state``
  ``last_updated``);
- PostgreSQL's write counters for those schemas moved since the previous check;
- Airbyte's API (when ``api_url`` is set) lists a pending, running or incomplete job.

``python -m orchestrate.airbyte_guard wait`` (Meltano: ``airbyte-guard:wait``) and
:func:`orchestrate.airbyte_guard.wait.wait_until_idle` (Airflow, Python) share the settings in
``settings.py``.

Imported by: `meltano.yml`'s `airbyte-guard` utility, the Airflow DAGs and
`tests/orchestrate/`. It imports only the standard library and psycopg.
"""
