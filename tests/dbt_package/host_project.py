"""An analyst's own dbt project that installs transform/ as a package (`local:`), in a directory.

The host has its own dbt_project.yml, its own profiles.yml (its own profile name and target
schema, connection settings written out, no env_var) and one model of its own that refs a mart of
the package. dbt runs with an environment stripped of every PG*, DBT_*, CLICKUP_* and
DATABASE_URL variable, so nothing of our profiles.yml (which needs PGHOST) or of the pipeline's
environment can take part; `dbt deps` runs with unreachable HTTP(S) proxies, so it must not need
the network.
"""

from __future__ import annotations

import json
import os
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from orchestrate.database_url import libpq_environment
from orchestrate.pipeline import REPO_ROOT
from tests.streams.conftest import dbt_executable

TRANSFORM = REPO_ROOT / "transform"
PACKAGE = "clickup_extras"
HOST = "analytics_host"
HOST_SCHEMA = "analytics_host"
TIME_ZONE = "America/St_Johns"
EMAIL_HASH_SALT = "host-salt"
_FOREIGN_PREFIXES = ("PG", "DBT_", "CLICKUP_", "DATABASE_URL", "MELTANO_")
_UNREACHABLE_PROXY = "http://127.0.0.1:9"

HOST_MODEL = """\
{{ config(schema='reporting', materialized='table') }}

with

time_entries as (

    select * from {{ ref('clickup_extras', 'fct_time_entries') }}

),

final as (

    select
        list_id,
        count(*) as time_entry_count,
        sum(duration_ms) as tracked_ms
    from time_entries
    group by list_id

)

select * from final
"""

#: the "custom schema verbatim" override of dbt's documentation
VERBATIM_SCHEMA_MACRO = """\
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema }}
    {%- else -%}
        {{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}
"""


@dataclass
class HostProject:
    """A host project directory and the database its profile points at."""

    root: Path
    database_url: str

    def dbt(self, *args: str, offline: bool = False) -> subprocess.CompletedProcess[str]:
        """Run dbt in the host project, with its own profiles.yml only."""
        environment = {
            key: value
            for key, value in os.environ.items()
            if not key.upper().startswith(_FOREIGN_PREFIXES)
        }
        environment["DBT_SEND_ANONYMOUS_USAGE_STATS"] = "false"
        environment["DBT_USE_COLORS"] = "false"  # plain "[WARNING]" in the output
        if offline:
            for key in ("no_proxy", "NO_PROXY"):
                environment.pop(key, None)
            for key in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY"):
                environment[key] = _UNREACHABLE_PROXY
        return subprocess.run(
            [
                dbt_executable(),
                *args,
                "--project-dir",
                str(self.root),
                "--profiles-dir",
                str(self.root),
            ],
            cwd=self.root,
            env=environment,
            capture_output=True,
            text=True,
            check=False,
        )

    def manifest(self) -> dict[str, Any]:
        return json.loads((self.root / "target" / "manifest.json").read_text())

    def run_results(self) -> dict[str, Any]:
        return json.loads((self.root / "target" / "run_results.json").read_text())


def profiles_yml(database_url: str) -> str:
    """The host's own profile: connection values written out (JSON is YAML)."""
    connection = libpq_environment(database_url)
    output = {
        "type": "postgres",
        "host": connection["PGHOST"],
        "port": int(connection["PGPORT"]),
        "user": connection["PGUSER"],
        "password": connection["PGPASSWORD"],
        "dbname": connection["PGDATABASE"],
        "schema": HOST_SCHEMA,
        "threads": 2,
    }
    return json.dumps({HOST: {"target": "dev", "outputs": {"dev": output}}}, indent=2) + "\n"


def dbt_project_yml(*, extra: str = "") -> str:
    return f"""\
name: {HOST}
version: "1.0.0"
config-version: 2
profile: {HOST}

model-paths: ["models"]
macro-paths: ["macros"]
seed-paths: ["seeds"]

vars:
  {PACKAGE}:
    clickup_extras_schema: clickup_extras
    time_zone: {TIME_ZONE}
    email_hash_salt: {EMAIL_HASH_SALT}
{extra}"""


def create_host_project(
    root: Path,
    database_url: str,
    *,
    project_extra: str = "",
    files: dict[str, str] | None = None,
) -> HostProject:
    """Write the host project into `root` (its packages.yml lists only our `local:` package)."""
    for folder in ("models", "macros", "seeds"):
        (root / folder).mkdir(parents=True, exist_ok=True)
    (root / "dbt_project.yml").write_text(dbt_project_yml(extra=project_extra))
    (root / "profiles.yml").write_text(profiles_yml(database_url))
    (root / "packages.yml").write_text(f"packages:\n  - local: {TRANSFORM}\n")
    (root / "models" / "host_time_by_list.sql").write_text(HOST_MODEL)
    for relative, text in (files or {}).items():
        (root / relative).write_text(text)
    return HostProject(root, database_url)
