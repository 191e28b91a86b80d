"""Running the pipeline: the embedded database, the local demo, the schedules, Airflow DAGs and the
Airbyte side-by-side tooling.

Imported by: the Makefile's entry points (`python -m orchestrate.<module>`), `meltano.yml`'s
utilities, `orchestrate/airflow_dags/dags/` and the tests. It may import the three packages
(`tap_clickup_extended`, `target_extras`, `clickup_sandbox`) as the tests do; none of them may
import it.
"""
