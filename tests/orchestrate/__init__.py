"""Tests of `orchestrate/`: schedules, workspaces, run locks, the Airbyte guard, Airflow DAGs.

Imported by: pytest only.
"""
