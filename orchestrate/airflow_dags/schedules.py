"""The project's Meltano schedules as plain data, from ``meltano schedule list --format=json``.

Airflow parses DAG files often, so the JSON is cached beside Airflow's home and read again only
when ``meltano.yml`` changes. Standard library only (it runs inside Airflow's virtualenv).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

PROJECT_ROOT = Path(__file__).resolve().parents[2]


class ScheduleListError(RuntimeError):
    """Meltano could not list the schedules; the message says what to fix."""


@dataclass(frozen=True)
class Schedule:
    """One job schedule: its cron interval, the environment it sets and the job's steps."""

    name: str
    interval: str
    job: str
    steps: tuple[str, ...]
    env: dict[str, str] = field(default_factory=dict)


def meltano_executable(project_root: Path = PROJECT_ROOT) -> str:
    """``MELTANO_EXECUTABLE``, else the project's ``.venv/bin/meltano``, else ``meltano`` on PATH."""
    configured = os.environ.get("MELTANO_EXECUTABLE", "").strip()
    if configured:
        return configured
    local = project_root / ".venv" / "bin" / "meltano"
    if local.exists():
        return str(local)
    beside = Path(sys.executable).parent / "meltano"
    if beside.exists():
        return str(beside)
    return shutil.which("meltano") or "meltano"


def parse_schedules(document: dict[str, Any]) -> list[Schedule]:
    """Job schedules from the JSON Meltano prints (legacy ``elt`` schedules are not supported)."""
    schedules = document.get("schedules", {})
    legacy = [s.get("name") for s in schedules.get("elt", [])]
    if legacy:
        raise ScheduleListError(
            f"schedules {legacy} name an extractor/loader instead of a job; give them a job "
            "(`meltano schedule add NAME --job JOB --interval CRON`)"
        )
    found: list[Schedule] = []
    for entry in schedules.get("job", []):
        job = entry.get("job") or {}
        steps = tuple(str(task) for task in job.get("tasks", []))
        found.append(
            Schedule(
                name=str(entry["name"]),
                interval=str(entry.get("cron_interval") or entry["interval"]),
                job=str(job.get("name", "")),
                steps=steps,
                env={str(k): str(v) for k, v in (entry.get("env") or {}).items()},
            )
        )
    return found


def _cache_file(project_root: Path) -> Path:
    base = os.environ.get("AIRFLOW_HOME") or str(project_root / ".meltano" / "run" / "airflow")
    return Path(base) / "meltano-schedules.json"


def list_schedules(project_root: Path = PROJECT_ROOT, *, use_cache: bool = True) -> list[Schedule]:
    """The schedules, from the cache when ``meltano.yml`` has not changed since it was written."""
    meltano_yml = project_root / "meltano.yml"
    stamp = meltano_yml.stat()
    key = f"{stamp.st_mtime_ns}:{stamp.st_size}"
    cache = _cache_file(project_root)
    if use_cache and cache.exists():
        try:
            cached = json.loads(cache.read_text())
            if cached.get("key") == key:
                return parse_schedules(cached["document"])
        except (OSError, ValueError, KeyError):
            pass
    environment = {**os.environ, "MELTANO_SEND_ANONYMOUS_USAGE_STATS": "false"}
    try:
        completed = subprocess.run(
            [meltano_executable(project_root), "schedule", "list", "--format=json"],
            cwd=project_root,
            env=environment,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        raise ScheduleListError(
            f"cannot run meltano to list the schedules ({error}); set MELTANO_EXECUTABLE"
        ) from None
    if completed.returncode != 0:
        tail = completed.stderr.strip().splitlines()[-1:] or ["no output"]
        raise ScheduleListError(
            f"`meltano schedule list` failed (exit {completed.returncode}): {tail[0]}"
        )
    start = completed.stdout.find("{")
    document = json.loads(completed.stdout[start:])
    try:
        cache.parent.mkdir(parents=True, exist_ok=True)
        cache.write_text(json.dumps({"key": key, "document": document}))
    except OSError:
        pass  # a read-only deployment still works, it just lists the schedules every parse
    return parse_schedules(document)


def extractor_names(project_root: Path = PROJECT_ROOT) -> set[str]:
    """Every extractor declared in ``meltano.yml`` (a step that starts with one extracts)."""
    import yaml  # Airflow and Meltano both depend on PyYAML

    document = yaml.safe_load((project_root / "meltano.yml").read_text()) or {}
    extractors = (document.get("plugins") or {}).get("extractors") or []
    return {str(plugin["name"]) for plugin in extractors if "name" in plugin}


def is_extract_load(step: str, extractors: set[str]) -> bool:
    """Whether a job step reads from an extractor (``tap target`` or ``tap mapper target``)."""
    blocks = step.split()
    return bool(blocks) and blocks[0] in extractors
