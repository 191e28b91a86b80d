"""A pipeline scenario for the mart tests: full run, webhooks, workspace changes, incremental run.

Runs the real parts: the ClickUp sandbox, `meltano run tap target dbt:build` into PostgreSQL, and
the webhook receiver (`clickup-webhooks serve`, registered with `register` against the
sandbox, through `orchestrate.webhook_receiver`) that lands the sandbox's signed deliveries.
Between the two runs it changes custom fields one mutation at a time and keeps the sandbox's
export after each, so the expected history (which change, when, to set or unset) comes from the
sandbox alone.
"""

from __future__ import annotations

import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests

from orchestrate.pipeline import REPO_ROOT, run_pipeline
from orchestrate.sandbox_runner import SANDBOX_TOKEN, Sandbox
from orchestrate.webhook_receiver import register_webhook, running_webhook_receiver

DBT_EXE = REPO_ROOT / ".meltano" / "utilities" / "dbt-postgres" / "venv" / "bin" / "dbt"
TRANSFORM = REPO_ROOT / "transform"


@dataclass
class FieldChange:
    """One custom-field change the sandbox made: the pair, when (ms), and whether it is set after."""

    task_id: str
    field_id: str
    changed_at_ms: int
    has_value_after: bool
    # the field as a task read showed it right after the change ({} when the read has no entry)
    read_after: dict[str, Any] = field(default_factory=dict)


@dataclass
class Scenario:
    """What the scenario did and what the sandbox says about it."""

    database_url: str
    environment: dict[str, str]
    baseline: dict[str, Any]
    final: dict[str, Any]
    changes: list[FieldChange] = field(default_factory=list)
    webhook_ids: list[str] = field(default_factory=list)
    webhook_truth: dict[str, Any] = field(default_factory=dict)
    # (task, field) -> the field as a task read showed it at the full run
    baseline_reads: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)


def read_task_fields(sandbox: Sandbox, task_id: str) -> dict[str, dict[str, Any]]:
    """field id -> the task's custom-field entry (definition and value) as GET /task gives it."""
    for _attempt in range(10):
        response = requests.get(
            f"{sandbox.api_url}/task/{task_id}",
            headers={"Authorization": SANDBOX_TOKEN},
            timeout=60,
        )
        if response.status_code != 429:
            break
        # the token's rate limit (docs/clickup-api.md §2): wait for the window to reset
        reset = float(response.headers.get("X-RateLimit-Reset", time.time() + 5))
        time.sleep(min(max(reset - time.time(), 0.5), 65))
    response.raise_for_status()
    return {entry["id"]: entry for entry in response.json().get("custom_fields", [])}


def task_by_id(export: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {task["id"]: task for task in export["tasks"]}


def run_scenario(
    sandbox: Sandbox, database_url: str, environment: dict[str, str], mutations: int
) -> Scenario:
    """Full run; two webhooks (workspace and one space: every change there is reported twice);
    `mutations` single custom-field mutations (with task renames between them); a dbt build of the
    field history; incremental run."""
    full = run_pipeline(environment, stream_output=False)
    assert full.returncode == 0, full.output[-6000:]
    baseline = sandbox.export()
    scenario = Scenario(database_url, environment, baseline, baseline)
    for task in baseline["tasks"]:
        for field_id, entry in read_task_fields(sandbox, task["id"]).items():
            scenario.baseline_reads[(task["id"], field_id)] = entry
    with running_webhook_receiver(database_url) as endpoint:
        registration = {
            "api_url": sandbox.api_url,
            "api_token": SANDBOX_TOKEN,
            "database_url": database_url,
            "endpoint": endpoint,
        }
        team_id = baseline["workspaces"][0]["id"]
        space_id = baseline["spaces"][0]["id"]
        scenario.webhook_ids = [
            register_webhook(**registration, team_id=team_id),
            register_webhook(**registration, team_id=team_id, location=("--space-id", space_id)),
        ]
        sandbox.configure_webhooks(duplicate_rate=0.3, reorder_rate=0.3)
        last_field: dict[str, list[str]] = {}
        for n in range(mutations):
            kinds = ["clear_custom_field"] if n % 5 == 4 else ["set_custom_field"]
            if n % 4 == 3:
                # the task's date_updated moves on, the time of its last field change does not
                kinds = ["rename_task"]
            # every third change hits the field changed last: a field changed twice before the
            # next poll, so only webhooks report the first change (webhook-only changes)
            again = last_field if n % 3 == 2 and kinds == ["set_custom_field"] else {}
            applied = sandbox.mutate(1, seed=100 + n, kinds=kinds, **again)["applied"]
            fields = [change for change in applied if "field_id" in change]
            if fields:
                last_field = {
                    "task_ids": [change["task_id"] for change in fields],
                    "field_ids": [change["field_id"] for change in fields],
                }
            export = sandbox.export()
            for change in applied:
                if "field_id" not in change:
                    continue
                task = task_by_id(export)[change["task_id"]]
                before = task_by_id(scenario.final)[change["task_id"]].get(
                    "custom_field_values", {}
                )
                after = task.get("custom_field_values", {})
                if before.get(change["field_id"]) == after.get(change["field_id"]):
                    continue  # the sandbox drew the value the field had: no change, no webhook
                scenario.changes.append(
                    FieldChange(
                        change["task_id"],
                        change["field_id"],
                        int(task["date_updated_ms"]),
                        change["field_id"] in task.get("custom_field_values", {}),
                        read_task_fields(sandbox, change["task_id"]).get(change["field_id"], {}),
                    )
                )
            scenario.final = export
        waited = sandbox.wait_for_webhooks(60)
        assert waited["idle"], waited
        scenario.webhook_truth = sandbox.webhook_events()
    # a build between polls (as a scheduled dbt run would): the webhook changes are stored before
    # the next poll sees them, so that poll must be merged into changes already built
    with tempfile.TemporaryDirectory(prefix="dbt-") as target:
        between = dbt(
            environment, "build", "--select", "+fct_custom_field_changes", target_path=Path(target)
        )
    assert between.returncode == 0, between.stdout[-6000:]
    incremental = run_pipeline(environment, stream_output=False)
    assert incremental.returncode == 0, incremental.output[-6000:]
    scenario.final = sandbox.export()
    return scenario


def dbt(environment: dict[str, str], *args: str, target_path: Path) -> subprocess.CompletedProcess:
    """Run the Meltano-installed dbt on the project with the pipeline's connection settings."""
    return subprocess.run(
        [
            str(DBT_EXE),
            *args,
            "--project-dir",
            str(TRANSFORM),
            "--profiles-dir",
            str(TRANSFORM),
            "--target-path",
            str(target_path),
            "--log-path",
            str(target_path / "logs"),
        ],
        capture_output=True,
        text=True,
        env={**environment, "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"},
        check=False,
    )
