"""Airflow DAG file: one DAG per Meltano schedule of this project (orchestrate/airflow_dags)."""

from __future__ import annotations

import sys
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[3]
if str(PROJECT_ROOT) not in sys.path:
    sys.path.insert(0, str(PROJECT_ROOT))

from orchestrate.airflow_dags.factory import build_dags  # noqa: E402

globals().update(build_dags(PROJECT_ROOT))
