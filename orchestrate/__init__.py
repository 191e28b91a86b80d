"""Running the pipeline: the embedded database, the local demo, and (later) Airflow DAGs."""
