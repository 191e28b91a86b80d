"""Airflow DAGs generated from the Meltano schedules of this project (``dags/`` is the folder).

Imported by: Airflow (through `dags/clickup_meltano.py`) and `tests/orchestrate/test_airflow_dags.py`.
`dags/` holds the one file Airflow loads; it imports `orchestrate` and nothing else of ours.
"""
