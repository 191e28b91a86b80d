"""Fixtures for the orchestration tests: the e2e database fixtures and Meltano helpers."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from orchestrate.pipeline import REPO_ROOT, meltano_executable
from tests.e2e.conftest import database_url, postgres_server_url

__all__ = ["database_url", "meltano_state", "postgres_server_url"]


def meltano_state(environment: dict[str, str]) -> dict[str, dict]:
    """Every state id Meltano's state backend holds, with its state (``meltano state get``)."""
    listed = subprocess.run(
        [meltano_executable(), "state", "list"],
        cwd=REPO_ROOT, env=environment, capture_output=True, text=True, check=True,
    )  # fmt: skip
    states: dict[str, dict] = {}
    for state_id in (line.strip() for line in listed.stdout.splitlines()):
        if not state_id or " " in state_id:
            continue
        got = subprocess.run(
            [meltano_executable(), "state", "get", state_id],
            cwd=REPO_ROOT, env=environment, capture_output=True, text=True, check=True,
        )  # fmt: skip
        states[state_id] = json.loads(got.stdout[got.stdout.find("{") :])
    return states


def repo_path(*parts: str) -> Path:
    return REPO_ROOT.joinpath(*parts)
