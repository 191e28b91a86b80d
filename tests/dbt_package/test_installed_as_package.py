"""transform/ installed as a dbt package (`local:`) into an analyst's own project, with its profile.

After a real `meltano run tap-clickup-extended target-extras` against the sandbox (comments
selected) and a few webhook deliveries, a host project in a temporary directory (its own
dbt_project.yml, profiles.yml and target schema `analytics_host`, the package's vars set under
`clickup_extras:`) runs `dbt deps` offline and `dbt build`: every mart of the package (from the
manifest, checked against the models folder) is a table with rows in the host's target schema,
staging and intermediate land in `<host schema>_staging` / `_intermediate` (dbt's default
`generate_schema_name`), the package's seed, data tests and unit tests run, the host's vars reach
the package, and no other schema appears. A second test, parse only, shows that a host's own
`generate_schema_name` and its own `member_employee_ids` seed govern the package's nodes.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import psycopg
import pytest

from orchestrate.pipeline import run_pipeline
from orchestrate.sandbox_runner import SANDBOX_TOKEN, Sandbox
from orchestrate.webhook_receiver import register_webhook, running_webhook_receiver
from tests.dbt_package.host_project import (
    EMAIL_HASH_SALT,
    HOST,
    HOST_SCHEMA,
    PACKAGE,
    TIME_ZONE,
    TRANSFORM,
    VERBATIM_SCHEMA_MACRO,
    HostProject,
    create_host_project,
)

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(1200)]

FOLDER_SCHEMAS = {
    "staging": f"{HOST_SCHEMA}_staging",
    "intermediate": f"{HOST_SCHEMA}_intermediate",
    "marts": HOST_SCHEMA,
}


def query(database_url: str, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    with psycopg.connect(database_url) as connection:
        return connection.execute(sql, params).fetchall()


def schemas(database_url: str) -> set[str]:
    return {
        row[0] for row in query(database_url, "select schema_name from information_schema.schemata")
    }


def relations(database_url: str) -> dict[tuple[str, str], str]:
    """(schema, name) -> table_type of every table and view."""
    rows = query(
        database_url, "select table_schema, table_name, table_type from information_schema.tables"
    )
    return {(schema, name): kind for schema, name, kind in rows}


def package_nodes(manifest: dict[str, Any], resource_type: str) -> list[dict[str, Any]]:
    return [
        node
        for node in manifest["nodes"].values()
        if node["package_name"] == PACKAGE and node["resource_type"] == resource_type
    ]


def mart_models(manifest: dict[str, Any]) -> list[dict[str, Any]]:
    """The package's marts: its models under models/marts/, per the host's manifest; the same
    names as the .sql files of transform/models/marts (a manifest that lost some would pass)."""
    marts = [node for node in package_nodes(manifest, "model") if node["fqn"][1] == "marts"]
    on_disk = {path.stem for path in (TRANSFORM / "models" / "marts").rglob("*.sql")}
    assert {node["name"] for node in marts} == on_disk
    assert len(marts) >= 10
    return marts


def deps_offline(host: HostProject) -> None:
    deps = host.dbt("deps", offline=True)
    assert deps.returncode == 0, deps.stdout[-4000:] + deps.stderr[-2000:]
    installed = host.root / "dbt_packages" / PACKAGE
    assert (installed / "dbt_project.yml").is_file()
    assert installed.resolve() == TRANSFORM.resolve()


def land_webhook_deliveries(sandbox: Sandbox, database_url: str) -> None:
    """One workspace webhook and a few custom-field changes, delivered and landed, so that
    fct_webhook_events has rows too."""
    team_id = sandbox.export()["workspaces"][0]["id"]
    with running_webhook_receiver(database_url) as endpoint:
        register_webhook(
            api_url=sandbox.api_url,
            api_token=SANDBOX_TOKEN,
            database_url=database_url,
            endpoint=endpoint,
            team_id=team_id,
        )
        sandbox.mutate(6, seed=21, kinds=["set_custom_field"])
        waited = sandbox.wait_for_webhooks(60)
        assert waited["idle"], waited


def test_host_project_builds_every_mart_in_its_own_schemas(
    sandbox: Sandbox, database_url: str, pipeline_env: dict[str, str], tmp_path: Path
) -> None:
    environment = {**pipeline_env, "TAP_CLICKUP_EXTENDED__SELECT": '["*.*"]'}
    loaded = run_pipeline(
        environment, steps=["tap-clickup-extended", "target-extras"], stream_output=False
    )
    assert loaded.returncode == 0, loaded.output[-6000:]
    land_webhook_deliveries(sandbox, database_url)
    before = schemas(database_url)
    assert "clickup_extras" in before
    assert not any(name.startswith(HOST_SCHEMA) for name in before)

    host = create_host_project(tmp_path / "host", database_url)
    deps_offline(host)
    build = host.dbt("build")
    assert build.returncode == 0, build.stdout[-8000:]
    assert "[WARNING]" not in build.stdout, build.stdout[-8000:]

    # every node of the build passed: the package's seed, models, data tests and unit tests
    results = {result["unique_id"]: result["status"] for result in host.run_results()["results"]}
    assert set(results.values()) <= {"success", "pass"}, {
        node: status for node, status in results.items() if status not in {"success", "pass"}
    }
    for prefix in ("seed", "model", "test", "unit_test"):
        ran = [node for node in results if node.startswith(f"{prefix}.{PACKAGE}.")]
        assert ran, f"no {prefix} of the package ran"
    assert f"model.{HOST}.host_time_by_list" in results
    manifest = host.manifest()
    package_ids = {
        unique_id
        for unique_id, node in [*manifest["nodes"].items(), *manifest["unit_tests"].items()]
        if node["package_name"] == PACKAGE
    }
    assert package_ids <= set(results), sorted(package_ids - set(results))[:20]

    # the schemas the host gets: its target, dbt's default <target>_<custom> for the package's
    # folders and for its own model's custom schema; nothing of our profile (clickup_analytics*)
    created = schemas(database_url) - before
    assert created == {
        HOST_SCHEMA,
        f"{HOST_SCHEMA}_staging",
        f"{HOST_SCHEMA}_intermediate",
        f"{HOST_SCHEMA}_reporting",
    }, created

    found = relations(database_url)
    for node in package_nodes(manifest, "model"):
        expected_schema = FOLDER_SCHEMAS[node["fqn"][1]]
        assert node["schema"] == expected_schema, (node["name"], node["schema"])
        assert (expected_schema, node["alias"]) in found, node["name"]
    assert (f"{HOST_SCHEMA}_staging", "member_employee_ids") in found

    # every mart: a table in the host's target schema, with rows
    empty = []
    for node in mart_models(manifest):
        assert found[(HOST_SCHEMA, node["alias"])] == "BASE TABLE", node["name"]
        [(count,)] = query(database_url, f'select count(*) from {HOST_SCHEMA}."{node["alias"]}"')
        if count == 0:
            empty.append(node["name"])
    assert not empty, f"marts without rows: {empty}"

    # the host's own model reads the package's mart across packages
    [(reported, total)] = query(
        database_url,
        f"""
        select
            (select sum(time_entry_count) from {HOST_SCHEMA}_reporting.host_time_by_list),
            (select count(*) from {HOST_SCHEMA}.fct_time_entries)
        """,
    )
    assert reported == total > 0

    # the host's vars (scoped to the package) reach it: time zone, and a salt that overrides
    # the package's own default ('') in its dbt_project.yml
    [(entries, off_zone)] = query(
        database_url,
        f"""
        select
            count(*),
            count(*) filter (
                where started_at_local is distinct from (started_at_utc at time zone %s)
            )
        from {HOST_SCHEMA}.fct_time_entries
        """,
        (TIME_ZONE,),
    )
    assert entries > 0 and off_zone == 0
    [(with_email, salted)] = query(
        database_url,
        f"""
        select
            count(*),
            count(*) filter (
                where members.user_email_hash = encode(
                    sha256(convert_to(%s || lower(trim(staged.email)), 'UTF8')), 'hex'
                )
            )
        from {HOST_SCHEMA}.dim_members as members
        inner join {HOST_SCHEMA}_staging.stg_clickup_extras__members as staged
            on members.team_id = staged.team_id and members.user_id = staged.user_id
        where staged.email is not null and staged.email !~ '^[0-9a-f]{{64}}$'
        """,
        (EMAIL_HASH_SALT,),
    )
    assert with_email > 0 and salted == with_email

    # the package's seed (example rows for the sandbox's workspace) maps some members
    [(mapped,)] = query(database_url, f"select count(employee_id) from {HOST_SCHEMA}.dim_members")
    assert mapped > 0


HOST_SEED = "team_id,user_id,employee_id\n,1,HOST-0001\n"


def test_host_generate_schema_name_and_seed_govern_the_package(tmp_path: Path) -> None:
    """A host's own `generate_schema_name` (custom schema names verbatim) places the package's
    nodes too (a package's own macro would win for the package's nodes in dbt 1.11), and a host
    seed of the same name, with the package's disabled, is the one dim_members reads, without a
    warning when the host makes refs search the package first. Parse only: no database is needed
    (the profile points at a socket directory that does not exist)."""
    host = create_host_project(
        tmp_path / "host",
        "postgresql://postgres:@/postgres?host=/nonexistent-socket-dir",
        project_extra=(
            # the package's refs look in the package before the root project (no I077 warning)
            "\nflags:\n"
            "  require_ref_searches_node_package_before_root: true\n"
            "\nseeds:\n"
            f"  {PACKAGE}:\n"
            "    member_employee_ids:\n"
            "      +enabled: false\n"
            f"  {HOST}:\n"
            "    member_employee_ids:\n"
            "      +column_types: {team_id: text, user_id: bigint, employee_id: text}\n"
        ),
        files={
            "macros/generate_schema_name.sql": VERBATIM_SCHEMA_MACRO,
            "seeds/member_employee_ids.csv": HOST_SEED,
        },
    )
    deps_offline(host)
    parsed = host.dbt("parse", "--no-partial-parse")
    assert parsed.returncode == 0, parsed.stdout[-6000:]
    assert "[WARNING]" not in parsed.stdout, parsed.stdout[-6000:]
    manifest = host.manifest()

    verbatim = {"staging": "staging", "intermediate": "intermediate", "marts": HOST_SCHEMA}
    models = package_nodes(manifest, "model")
    assert len(models) > 30
    misplaced = {
        node["name"]: node["schema"]
        for node in models
        if node["schema"] != verbatim[node["fqn"][1]]
    }
    assert not misplaced, misplaced
    assert manifest["nodes"][f"model.{HOST}.host_time_by_list"]["schema"] == "reporting"

    assert f"seed.{PACKAGE}.member_employee_ids" not in manifest["nodes"]
    host_seed = manifest["nodes"][f"seed.{HOST}.member_employee_ids"]
    assert host_seed["schema"] == HOST_SCHEMA
    dim_members = manifest["nodes"][f"model.{PACKAGE}.dim_members"]
    assert host_seed["unique_id"] in dim_members["depends_on"]["nodes"]
    seed_tests = [
        node["name"]
        for node in package_nodes(manifest, "test")
        if host_seed["unique_id"] in node["depends_on"]["nodes"]
    ]
    assert len(seed_tests) == 3, seed_tests  # the package's tests of the seed test the host's
