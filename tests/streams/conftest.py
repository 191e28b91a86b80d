"""One pipeline run shared by every parametrised stream check.

The session fixture ``pipeline`` starts an in-process ClickUp sandbox (small workspace), runs
the tap once with every stream selected, loads its output through target-extras into a
throwaway PostgreSQL, and builds the dbt staging models once. Every check of
``test_every_stream.py`` reads that one run.

Everything runs from this checkout's code (``python -m``), so a copy of the repository run with
its own directories first on ``PYTHONPATH`` tests its own streams. dbt is the Meltano-installed
one: ``CLICKUP_DBT`` or ``.meltano/utilities/dbt-postgres/venv/bin/dbt``. ``copy`` and
``copy_environment`` are that copy (git-tracked files in a temporary directory) and the
environment that runs it, for the scaffold and add-a-column tests.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from clickup_sandbox.server import SandboxServer

from orchestrate.database_url import libpq_environment
from orchestrate.embedded_postgres import throwaway_database
from tests.sandbox_tests.client import TOKEN, Api, start
from tests.sandbox_tests.schemas import OPENAPI

ROOT = Path(__file__).resolve().parents[2]
TRANSFORM = ROOT / "transform"


def stream_names() -> list[str]:
    """The streams the tap discovers, in its order (collected once, at import)."""
    from tap_clickup_extended.tap import STREAM_TYPES

    return [stream_type.name for stream_type in STREAM_TYPES]


def dbt_executable() -> str:
    """The Meltano-installed dbt."""
    configured = os.environ.get("CLICKUP_DBT")
    if configured:
        return configured
    return str(ROOT / ".meltano" / "utilities" / "dbt-postgres" / "venv" / "bin" / "dbt")


@dataclass
class Pipeline:
    """What the one run produced."""

    sandbox: SandboxServer
    api: Api
    messages: list[dict[str, Any]]
    database_url: str
    dbt_results: dict[str, dict[str, Any]]
    dbt_manifest: dict[str, Any]

    def records(self, stream: str) -> list[dict[str, Any]]:
        return [
            m["record"] for m in self.messages if m["type"] == "RECORD" and m["stream"] == stream
        ]

    def schema(self, stream: str) -> dict[str, Any]:
        return [m for m in self.messages if m["type"] == "SCHEMA" and m["stream"] == stream][-1][
            "schema"
        ]

    def key_properties(self, stream: str) -> list[str]:
        return [m for m in self.messages if m["type"] == "SCHEMA" and m["stream"] == stream][-1][
            "key_properties"
        ]


def _run(command: list[str], **kwargs: Any) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(command, capture_output=True, text=True, check=False, **kwargs)
    assert done.returncode == 0, (
        f"{command[:4]} failed:\n{done.stderr[-4000:]}\n{done.stdout[-4000:]}"
    )
    return done


def _select_all(catalog: dict[str, Any]) -> dict[str, Any]:
    for stream in catalog["streams"]:
        for entry in stream["metadata"]:
            if entry["breadcrumb"] == []:
                entry["metadata"]["selected"] = True
    return catalog


@pytest.fixture(scope="session")
def pipeline() -> Iterator[Pipeline]:
    """Sandbox -> tap (every stream) -> target-extras -> PostgreSQL -> dbt staging."""
    work = Path(tempfile.mkdtemp(prefix="streams-"))
    server = start(tasks=60, members=6, months=2)
    config = {"api_token": TOKEN, "base_url": server.url, "rate_limit_per_minute": 100000}
    (work / "tap.json").write_text(json.dumps(config))
    tap = [sys.executable, "-m", "tap_clickup_extended", "--config", str(work / "tap.json")]
    catalog = json.loads(_run([*tap, "--discover"]).stdout)
    (work / "catalog.json").write_text(json.dumps(_select_all(catalog)))
    output = _run([*tap, "--catalog", str(work / "catalog.json")]).stdout
    (work / "singer.jsonl").write_text(output)
    messages = [json.loads(line) for line in output.splitlines() if line.startswith("{")]
    try:
        with throwaway_database("stm") as (url, _embedded):
            (work / "target.json").write_text(json.dumps({"database_url": url}))
            target = [
                sys.executable,
                "-c",
                "from target_extras.target import TargetExtras; TargetExtras.cli()",
                "--config",
                str(work / "target.json"),
            ]
            _run(target, input=output)
            environment = {
                **os.environ,
                **libpq_environment(url),
                "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
            }
            dbt = subprocess.run(
                [
                    dbt_executable(),
                    "build",
                    "--select",
                    "path:models/staging/clickup_extras",
                    "--project-dir",
                    str(TRANSFORM),
                    "--profiles-dir",
                    str(TRANSFORM),
                    "--target-path",
                    str(work / "dbt-target"),
                    "--log-path",
                    str(work / "dbt-logs"),
                ],
                capture_output=True,
                text=True,
                check=False,
                env=environment,
                cwd=TRANSFORM,
            )
            results_file = work / "dbt-target" / "run_results.json"
            assert results_file.exists(), f"dbt build did not run:\n{dbt.stdout[-4000:]}"
            results = {r["unique_id"]: r for r in json.loads(results_file.read_text())["results"]}
            manifest = json.loads((work / "dbt-target" / "manifest.json").read_text())
            yield Pipeline(server, Api(server), messages, url, results, manifest)
    finally:
        server.stop()


@pytest.fixture(scope="module")
def copy() -> Iterator[Path]:
    """The git-tracked files of this checkout, in a temporary directory."""
    target = Path(tempfile.mkdtemp(prefix="scaffold-", dir="/tmp"))
    listed = subprocess.run(
        ["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True
    ).stdout.decode()
    for name in filter(None, listed.split("\0")):
        source = ROOT / name
        if source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    yield target
    shutil.rmtree(target, ignore_errors=True)


def copy_environment(copy: Path) -> dict[str, str]:
    """The environment that runs the copy's own tap, target, sandbox and tests."""
    paths = [
        copy / "tap-clickup-extended",
        copy / "target-extras",
        copy / "clickup-sandbox",
        copy,
    ]
    return {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(str(p) for p in paths),
        "CLICKUP_OPENAPI_DIR": str(OPENAPI),
        "CLICKUP_DBT": dbt_executable(),
        "PYTHONDONTWRITEBYTECODE": "1",
    }
