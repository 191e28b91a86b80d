"""`make run`: the pipeline against a real ClickUp workspace.

Needs CLICKUP_API_TOKEN; loads into DATABASE_URL when set, else into the embedded PostgreSQL.
Uses Meltano's `prod` environment, so state is kept apart from the demo's.
"""

from __future__ import annotations

import os
import sys

from orchestrate.database_url import DatabaseUrlError, libpq_environment, redact
from orchestrate.embedded_postgres import resolve_database_url
from orchestrate.pipeline import pipeline_environment, run_pipeline
from orchestrate.preflight import PreflightError, check_database
from orchestrate.summary import format_table, landing_counts, mart_counts


def main() -> int:
    if not os.environ.get("CLICKUP_API_TOKEN", "").strip():
        print(
            "make run: CLICKUP_API_TOKEN is not set. Create a personal token in ClickUp "
            "(Settings > Apps > API Token) and run: CLICKUP_API_TOKEN=pk_... make run",
            file=sys.stderr,
        )
        return 2
    try:
        database_url, embedded = resolve_database_url()
        libpq_environment(database_url)
        check_database(database_url)
    except (DatabaseUrlError, PreflightError) as error:
        print(f"make run: {error}", file=sys.stderr)
        return 2
    where = "embedded PostgreSQL" if embedded else redact(database_url)
    print(f"== ClickUp -> {where}", flush=True)
    environment = pipeline_environment(database_url, extra={"MELTANO_ENVIRONMENT": "prod"})
    result = run_pipeline(environment)
    if result.returncode != 0:
        print("make run: the pipeline failed (see the lines above).", file=sys.stderr)
        return result.returncode
    rows = [[c.name, c.rows, c.current_rows] for c in landing_counts(database_url)]
    print(format_table(["landing table", "history rows", "current rows"], rows))
    marts = [[c.name, c.rows] for c in mart_counts(database_url)]
    print(format_table(["mart", "rows"], marts))
    print(f"done in {result.seconds:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
