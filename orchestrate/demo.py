"""`make demo`: the whole pipeline on embedded defaults, a full run then an incremental one.

Starts the embedded PostgreSQL and the ClickUp sandbox, runs Airbyte's own ClickUp connector
(`airbyte-source-clickup-api` through PyAirbyte, in `.airbyte/venv`) into `airbyte_raw` the way an
Airbyte user has it, then runs `meltano run tap-clickup-extended target-extras dbt-postgres:build`
beside it, changes the sandbox workspace (custom fields, time entries added/edited/deleted, tasks
moved and closed), runs again incrementally, and prints rows per Airbyte table, landing table and
mart, whether our runs left Airbyte's tables untouched, and the API requests of each run. When
Airbyte cannot be installed or run, the demo says so in one line and runs standalone
(`--no-airbyte` skips it). The database is left running so that `make psql` opens it.
"""

from __future__ import annotations

import argparse
import os
import secrets
import shutil
import sys
from collections import Counter

import psycopg
from psycopg import sql

from orchestrate.airbyte.install import AirbyteInstallError
from orchestrate.airbyte.sync import (
    AirbyteSyncError,
    AirbyteSyncResult,
    default_schema,
    run_airbyte_sync,
)
from orchestrate.airbyte.tables import TableFingerprint, table_fingerprints
from orchestrate.database_url import redact
from orchestrate.embedded_postgres import resolve_database_url
from orchestrate.pipeline import REPO_ROOT, pipeline_environment, run_pipeline
from orchestrate.preflight import PreflightError, check_database
from orchestrate.sandbox_runner import SANDBOX_TOKEN, Sandbox, running_sandbox
from orchestrate.summary import format_table, landing_counts, mart_counts, webhook_delivery_count
from orchestrate.webhook_receiver import register_webhook, running_webhook_receiver

DEMO_SCHEMAS = [
    "clickup_extras",
    "clickup_analytics",
    "clickup_analytics_staging",
    "clickup_analytics_intermediate",
]
STATE_DIR = REPO_ROOT / ".meltano" / "demo-state"
#: Marts fed by a stream that is not selected by default: empty in the demo, said so, not an error.
OPTIONAL_MARTS = {
    "fct_assigned_comments": "the comments stream is not selected by default (transform/README.md)",
}


def banner(text: str) -> None:
    print(f"\n{'=' * 78}\n== {text}\n{'=' * 78}", flush=True)


def reset_demo(database_url: str, *, embedded: bool) -> None:
    """Drop what an earlier demo built, so every demo starts from a full sync.

    Airbyte's schema is dropped only on the embedded database: elsewhere it may hold a real
    Airbyte's tables (the demo's Airbyte sync replaces only the tables it writes).
    """
    schemas = [*DEMO_SCHEMAS, *([default_schema()] if embedded else [])]
    with psycopg.connect(database_url, autocommit=True) as connection:
        for schema in schemas:
            connection.execute(f'drop schema if exists "{schema}" cascade')
    shutil.rmtree(STATE_DIR, ignore_errors=True)
    STATE_DIR.mkdir(parents=True, exist_ok=True)


def requests_line(stats: dict) -> str:
    endpoints = sorted(stats.get("by_endpoint", {}).items(), key=lambda item: -item[1])
    top = ", ".join(f"{name} x{count}" for name, count in endpoints[:4])
    return f"{stats.get('total', 0)} requests ({stats.get('throttled', 0)} throttled): {top}"


def airbyte_first(database_url: str, sandbox: Sandbox) -> AirbyteSyncResult | None:
    """Airbyte's connector into airbyte_raw; None (after one line saying why) when it fails."""
    try:
        result = run_airbyte_sync(database_url, base_url=sandbox.api_url, api_token=SANDBOX_TOKEN)
    except (AirbyteInstallError, AirbyteSyncError) as error:
        print(f"demo: Airbyte skipped, the pipeline runs standalone: {error}", file=sys.stderr)
        return None
    print(f"  {result.total_records} records in {result.seconds:.1f} s into {result.schema}")
    return result


def airbyte_summary(
    database_url: str, schema: str, before: dict[str, TableFingerprint]
) -> list[str]:
    """Airbyte's tables, whether our runs changed them, and where dim_tasks took its rows."""
    after = table_fingerprints(database_url, schema)
    lines = [f"Airbyte's tables ({schema}, written by source-clickup-api through PyAirbyte)"]
    lines.append(
        format_table(
            ["table", "rows"],
            [[name, f.rows] for name, f in after.items() if not name.startswith("_airbyte")],
        )
    )
    unchanged = "yes" if after == before else "NO"
    lines.append(f"\nAirbyte's tables unchanged by our two runs (row checksums): {unchanged}")
    with psycopg.connect(database_url) as connection:
        rows = connection.execute(
            "select source_system, count(*) from clickup_analytics.dim_tasks group by 1 order by 1"
        ).fetchall()
        shared = connection.execute(
            sql.SQL(
                "select count(*) from clickup_analytics.dim_tasks "
                "where task_id in (select id from {}.task)"
            ).format(sql.Identifier(schema))
        ).fetchone()
    sources = ", ".join(f"{name} {count}" for name, count in rows)
    lines.append(
        f"dim_tasks rows by source (the fresher version wins): {sources}; "
        f"{shared[0] if shared else 0} of them also in Airbyte's task table"
    )
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Run the ClickUp pipeline demo on the sandbox.")
    parser.add_argument("--tasks", type=int, default=400)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--changes", type=int, default=40, help="sandbox changes between runs")
    parser.add_argument("--no-airbyte", action="store_true", help="skip Airbyte's connector")
    args = parser.parse_args(argv)

    database_url, embedded = resolve_database_url()
    where = "embedded PostgreSQL" if embedded else "DATABASE_URL"
    banner(f"Database: {where} ({redact(database_url)})")
    try:
        check_database(database_url)
    except PreflightError as error:
        print(f"demo: {error}", file=sys.stderr)
        return 2
    reset_demo(database_url, embedded=embedded)

    # The sandbox allows 100 requests per 6-second window (a ClickUp minute, 10x faster) and
    # sends ClickUp's rate-limit headers; the tap is told its budget is 1,000 a minute.
    with running_sandbox(
        "--tasks",
        str(args.tasks),
        "--seed",
        str(args.seed),
        "--rate-limit",
        "100",
        "--rate-window-seconds",
        "6",
    ) as sandbox:
        airbyte: AirbyteSyncResult | None = None
        airbyte_stats: dict = {}
        if not args.no_airbyte:
            banner(
                "Airbyte's ClickUp connector (PyAirbyte) into airbyte_raw, as an Airbyte user has it"
            )
            airbyte = airbyte_first(database_url, sandbox)
            airbyte_stats = sandbox.stats()
            sandbox.reset_stats()
        airbyte_before = table_fingerprints(database_url, airbyte.schema) if airbyte else {}
        environment = pipeline_environment(
            database_url,
            base_url=sandbox.api_url,
            api_token=SANDBOX_TOKEN,
            extra={
                "TAP_CLICKUP_EXTENDED_RATE_LIMIT_PER_MINUTE": "1000",
                "MELTANO_STATE_BACKEND_URI": STATE_DIR.as_uri(),
                # dbt hashes e-mails only with a secret salt: the demo makes one up
                "CLICKUP_EMAIL_HASH_SALT": os.environ.get("CLICKUP_EMAIL_HASH_SALT")
                or secrets.token_hex(16),
            },
        )
        banner(f"Full sync from the ClickUp sandbox at {sandbox.api_url}")
        full = run_pipeline(environment)
        if full.returncode != 0:
            print("\ndemo: the full run failed (see the output above).", file=sys.stderr)
            return full.returncode
        full_stats = sandbox.stats()
        sandbox.reset_stats()

        banner(
            f"Changing the sandbox workspace ({args.changes} changes), reported by signed "
            "webhooks to the receiver"
        )
        with running_webhook_receiver(database_url) as endpoint:
            webhook_id = register_webhook(
                api_url=sandbox.api_url,
                api_token=SANDBOX_TOKEN,
                database_url=database_url,
                endpoint=endpoint,
                team_id=sandbox.export()["workspaces"][0]["id"],
            )
            print(f"  webhook {webhook_id} registered for the workspace, delivering to {endpoint}")
            mutation = sandbox.mutate(args.changes, seed=args.seed + 1)
            kinds = Counter(change["kind"] for change in mutation.get("applied", []))
            for kind, count in sorted(kinds.items()):
                print(f"  {kind:<22} {count}")
            if not sandbox.wait_for_webhooks(60)["idle"]:
                print("  (some webhook deliveries were still pending after 60 s)")
            webhook_events_sent = len(sandbox.webhook_events()["events"])

        banner("Incremental sync")
        incremental = run_pipeline(environment)
        if incremental.returncode != 0:
            print("\ndemo: the incremental run failed (see the output above).", file=sys.stderr)
            return incremental.returncode
        incremental_stats = sandbox.stats()

    banner("Summary")
    landing = landing_counts(database_url)
    print("Landing tables (clickup_extras): history rows and current rows")
    print(
        format_table(
            ["table", "history rows", "current rows"],
            [[c.name, c.rows, c.current_rows] for c in landing],
        )
    )
    print("\nMarts (clickup_analytics)")
    marts = mart_counts(database_url)
    print(format_table(["mart", "rows"], [[c.name, c.rows] for c in marts]))
    print(
        f"\nWebhooks: {webhook_events_sent} signed payloads sent by the sandbox, "
        f"{webhook_delivery_count(database_url)} stored by the receiver (duplicates and retries "
        "included); fct_webhook_events has one row per webhook and history item"
    )
    if airbyte:
        print()
        print("\n".join(airbyte_summary(database_url, airbyte.schema, airbyte_before)))
    print("\nClickUp API requests")
    airbyte_row: list[list[object]] = (
        [[
            "airbyte (full)",
            airbyte_stats.get("total", 0),
            airbyte_stats.get("throttled", 0),
            round(airbyte.seconds, 1),
        ]]
        if airbyte
        else []
    )  # fmt: skip
    print(
        format_table(
            ["run", "requests", "throttled", "seconds"],
            [
                *airbyte_row,
                [
                    "full",
                    full_stats.get("total", 0),
                    full_stats.get("throttled", 0),
                    round(full.seconds, 1),
                ],
                [
                    "incremental",
                    incremental_stats.get("total", 0),
                    incremental_stats.get("throttled", 0),
                    round(incremental.seconds, 1),
                ],
            ],
        )
    )
    print(f"\n  full:        {requests_line(full_stats)}")
    print(f"  incremental: {requests_line(incremental_stats)}")
    for name in sorted(OPTIONAL_MARTS.keys() & {c.name for c in marts if c.rows == 0}):
        print(f"  {name} is empty: {OPTIONAL_MARTS[name]}")
    empty = [c.name for c in marts if c.rows == 0 and c.name not in OPTIONAL_MARTS]
    if empty:
        print(f"\ndemo: these marts are empty: {', '.join(empty)}", file=sys.stderr)
        return 1
    print("\nThe database is still running: `make psql` opens it; `make db-stop` stops it.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
