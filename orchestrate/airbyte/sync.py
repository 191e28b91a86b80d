"""Run Airbyte's ClickUp connector (through PyAirbyte, in its own virtualenv) into PostgreSQL.

    from orchestrate.airbyte.sync import run_airbyte_sync
    result = run_airbyte_sync(database_url, base_url=sandbox.api_url, api_token="pk_...")
    result.records  # {"task": 250, "team": 1, ...}

Only the connector's base URL is changed (`definitions.base_requester.url_base`), at run time.
The tables land in `schema` (default: env CLICKUP_AIRBYTE_SCHEMA, else `airbyte_raw`) with
Airbyte's `_airbyte_raw_id`, `_airbyte_extracted_at` and `_airbyte_meta` columns; every run
replaces them (a full refresh, as Airbyte's own "full refresh | overwrite" sync does).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from orchestrate.airbyte.install import AIRBYTE_HOME, ensure_installed
from orchestrate.database_url import redact

RUNNER = Path(__file__).with_name("runner.py")
DEFAULT_SCHEMA = "airbyte_raw"
#: The connector's streams the demo and the tests read: everything but the per-task
#: `time_tracking` (one request per task), what the sandbox does not serve (goals, tags,
#: list comments answer 404, which the connector ignores) and `user`: PyAirbyte 0.71.3's
#: "replace" strategy renames tables with unquoted names, which fails for the reserved word
#: `user` (use write_strategy="append" into an empty schema to read it, as the benchmark does).
CORE_STREAMS = ["team", "space", "folder", "list", "task", "list_custom_fields",
                "team_custom_fields"]  # fmt: skip


class AirbyteSyncError(RuntimeError):
    """The connector or PyAirbyte failed; the message is one line without secrets."""


@dataclass
class AirbyteSyncResult:
    """What one sync wrote: records per stream, and how long it took."""

    records: dict[str, int]
    seconds: float  # the whole run: PyAirbyte's start-up, the read and the load
    read_seconds: float  # source.read() alone, as PyAirbyte's runner timed it
    schema: str
    log_lines: list[str] = field(default_factory=list)

    @property
    def total_records(self) -> int:
        return sum(self.records.values())


def default_schema() -> str:
    return os.environ.get("CLICKUP_AIRBYTE_SCHEMA", "").strip() or DEFAULT_SCHEMA


def run_airbyte_sync(
    database_url: str,
    *,
    base_url: str,
    api_token: str,
    streams: list[str] | None = None,
    schema: str | None = None,
    include_closed_tasks: bool = True,
    write_strategy: str = "replace",
    quiet: bool = False,
    timeout_s: float = 1800.0,
) -> AirbyteSyncResult:
    """Sync `streams` (None: `CORE_STREAMS`; ["*"]: all) of source-clickup-api into `schema`.

    `write_strategy` "replace" swaps each table for a new one (Airbyte drops and recreates its
    tables); "append" adds rows. Installs PyAirbyte and the manifest on first use
    (`AirbyteInstallError` when that fails). Raises `AirbyteSyncError` when the connector fails.
    Progress lines go to stderr unless quiet.
    """
    python, manifest = ensure_installed()
    schema = schema or default_schema()
    selected: list[str] | str = "*" if streams == ["*"] else (streams or CORE_STREAMS)
    with tempfile.TemporaryDirectory(prefix="ab-run-", dir=_short_tmp()) as workdir:
        result_path = Path(workdir) / "result.json"
        request = {
            "manifest_path": str(manifest),
            "base_url": base_url,
            "api_token": api_token,
            "include_closed_tasks": include_closed_tasks,
            "streams": selected,
            "database_url": database_url,
            "schema": schema,
            "cache_dir": str(Path(workdir) / "cache"),
            "result_path": str(result_path),
            "write_strategy": write_strategy,
        }
        environment = dict(os.environ)
        environment.update(
            AIRBYTE_OFFLINE_MODE="1",
            DO_NOT_TRACK="1",
            NO_LIVE_PROGRESS="1",
            AIRBYTE_LOGGING_ROOT=str(AIRBYTE_HOME / "logs"),
            AIRBYTE_PROJECT_DIR=workdir,
            PYTHONWARNINGS="ignore",
        )
        started = time.monotonic()
        process = subprocess.Popen(
            [str(python), str(RUNNER)],
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            env=environment,
            cwd=workdir,
        )
        lines: list[str] = []
        reader = threading.Thread(target=_collect, args=(process, lines, quiet), daemon=True)
        reader.start()
        assert process.stdin is not None
        process.stdin.write(json.dumps(request))
        process.stdin.close()
        try:
            returncode = process.wait(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            process.kill()
            raise AirbyteSyncError(
                f"Airbyte's connector did not finish within {timeout_s:.0f} s"
            ) from None
        reader.join(5)
        if returncode != 0 or not result_path.exists():
            errors = [line for line in lines if line.startswith("airbyte-runner: error:")]
            reason = (
                errors[-1].removeprefix("airbyte-runner: error: ")
                if errors
                else (f"exit code {returncode}, logs in {AIRBYTE_HOME / 'logs'}")
            )
            raise AirbyteSyncError(
                f"Airbyte's connector failed against {base_url} into {redact(database_url)} "
                f"schema {schema}: {reason}"
            )
        outcome = json.loads(result_path.read_text())
    return AirbyteSyncResult(
        records={name: int(count) for name, count in outcome["records"].items()},
        seconds=round(time.monotonic() - started, 2),
        read_seconds=float(outcome["seconds"]),
        schema=schema,
        log_lines=lines,
    )


def _collect(process: subprocess.Popen[str], lines: list[str], quiet: bool) -> None:
    """Keep the runner's stderr (progress and errors), echoing the progress lines."""
    assert process.stderr is not None
    for raw in process.stderr:
        line = raw.rstrip()
        lines.append(line)
        if not quiet and line.startswith("airbyte-runner:"):
            print(line, file=sys.stderr, flush=True)


def _short_tmp() -> str:
    return "/tmp" if Path("/tmp").is_dir() else tempfile.gettempdir()
