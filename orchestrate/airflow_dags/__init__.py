"""Airflow DAGs generated from the Meltano schedules of this project (``dags/`` is the folder)."""
