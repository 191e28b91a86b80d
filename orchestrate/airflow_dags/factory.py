"""Build one Airflow DAG per Meltano schedule: one task per job step, in the job's order.

An extract-load step is mapped over the configured workspaces (dynamic task mapping) when there
are several, so each workspace runs as its own task instance, on any worker, with its own token,
state id and rate budget; the steps after it (the Airbyte guard, dbt) run once when all of them
have landed. ``catchup=False`` and ``max_active_runs=1``: a run never overlaps the previous one.
Retries (``CLICKUP_AIRFLOW_RETRIES``, default 2) wait ``CLICKUP_AIRFLOW_RETRY_DELAY_SECONDS``
(default 300).
"""

from __future__ import annotations

import logging
import os
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from airflow import DAG
from airflow.operators.python import PythonOperator

from orchestrate.airflow_dags.schedules import (
    PROJECT_ROOT,
    Schedule,
    extractor_names,
    is_extract_load,
    list_schedules,
)
from orchestrate.airflow_dags.steps import run_step
from orchestrate.workspaces import Workspace, load_workspaces

DAG_PREFIX = "meltano_"
START_DATE = datetime(2024, 1, 1, tzinfo=UTC)
log = logging.getLogger(__name__)


def task_id_for(step: str) -> str:
    """An Airflow task id for a job step: ``tap-x target-y`` -> ``tap-x__target-y``."""
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", "__".join(step.split()).replace(":", "."))


def execute_step(
    step: str,
    schedule_env: dict[str, str],
    workspace: dict[str, Any] | None = None,
    schedule: str = "adhoc",
) -> None:
    """The tasks' callable: run the step, logging through Airflow's task log."""
    run_step(
        step,
        schedule_env=schedule_env,
        workspace=workspace,
        log=log.info,
        isolation_key=schedule,
    )


def _default_args() -> dict[str, Any]:
    return {
        "owner": "clickup-extras",
        "retries": int(os.environ.get("CLICKUP_AIRFLOW_RETRIES", "2")),
        "retry_delay": timedelta(
            seconds=float(os.environ.get("CLICKUP_AIRFLOW_RETRY_DELAY_SECONDS", "300"))
        ),
        "retry_exponential_backoff": True,
    }


def build_dag(schedule: Schedule, workspaces: list[Workspace], extractors: set[str]) -> DAG:
    """The DAG of one schedule."""
    dag = DAG(
        dag_id=f"{DAG_PREFIX}{schedule.name}",
        description=f"meltano job {schedule.job}: {' -> '.join(schedule.steps)}",
        schedule=schedule.interval,
        start_date=START_DATE,
        catchup=False,
        max_active_runs=1,
        default_args=_default_args(),
        tags=["meltano", "clickup"],
    )
    previous = None
    for step in schedule.steps:
        task_id = task_id_for(step)
        if is_extract_load(step, extractors) and len(workspaces) > 1:
            task = PythonOperator.partial(
                task_id=task_id, python_callable=execute_step, dag=dag
            ).expand(
                op_kwargs=[
                    {
                        "step": step,
                        "schedule_env": schedule.env,
                        "workspace": w.as_dict(),
                        "schedule": schedule.name,
                    }
                    for w in workspaces
                ]
            )
        else:
            workspace = (
                workspaces[0].as_dict()
                if workspaces and is_extract_load(step, extractors)
                else None
            )
            task = PythonOperator(
                task_id=task_id,
                python_callable=execute_step,
                op_kwargs={
                    "step": step,
                    "schedule_env": schedule.env,
                    "workspace": workspace,
                    "schedule": schedule.name,
                },
                dag=dag,
            )
        if previous is not None:
            previous >> task
        previous = task
    return dag


def build_dags(project_root: Path = PROJECT_ROOT) -> dict[str, DAG]:
    """Every schedule's DAG, by DAG id (the DAG file puts them in its globals)."""
    workspaces = load_workspaces()
    extractors = extractor_names(project_root)
    return {
        f"{DAG_PREFIX}{schedule.name}": build_dag(schedule, workspaces, extractors)
        for schedule in list_schedules(project_root)
    }
