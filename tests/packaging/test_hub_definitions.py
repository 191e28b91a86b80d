"""The Meltano Hub definitions of both plugins: their format, no drift, and a real install.

``tap-clickup-extended/hub/tap-clickup-extended.yml`` and ``target-extras/hub/target-extras.yml``
are the plugins' definitions in Meltano Hub's format (the files ``_data/meltano/extractors/
tap-clickup-extended/clickup-extras.yml`` and ``_data/meltano/loaders/target-extras/
clickup-extras.yml`` of the meltano/hub repository). The fast tests check

- the format: the keys, kinds and capability names Hub's schemas allow, the canonical repository;
- no drift between three sources: each definition, the plugin's entry in ``meltano.yml`` (same
  settings: names, kinds, sensitivity, defaults, descriptions; same capabilities and selection)
  and the plugin's own ``--about --format=json`` (every setting of its config schema is in the
  definition, with its description and default; secrets are sensitive; required settings are
  the ``settings_group_validation``; the capabilities it reports).

The ``e2e`` test adds both definitions with ``meltano add --from-ref`` to a new, empty Meltano
project in a temporary directory, installs them, configures and lists their settings (secrets
redacted) and runs ``meltano run tap-clickup-extended target-extras`` against the sandbox and
PostgreSQL, then reads what landed.
"""

from __future__ import annotations

import functools
import json
import os
import re
import shutil
import subprocess
import sys
import tomllib
import uuid
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema
import psycopg
import pytest
import yaml
from meltano import schemas as meltano_schemas

from orchestrate.pipeline import run_pipeline
from orchestrate.sandbox_runner import SANDBOX_TOKEN, Sandbox
from tests.packaging.about_tables import PLUGINS, REPO_ROOT, about_output

CANONICAL_REPO = "https://github.com/clickup-extras/clickup-extras"
#: Package directory → (Hub plugin type, its definition file).
DEFINITIONS = {
    "tap-clickup-extended": (
        "extractors",
        REPO_ROOT / "tap-clickup-extended" / "hub" / "tap-clickup-extended.yml",
    ),
    "target-extras": ("loaders", REPO_ROOT / "target-extras" / "hub" / "target-extras.yml"),
}
PLUGIN_TYPE_ARG = {"extractors": "extractor", "loaders": "loader"}

# ----- Meltano Hub's format (its schemas/plugin_definitions/*.schema.json, restated) -------------

HUB_KEYS = {
    "name", "namespace", "variant", "label", "description", "logo_url", "pip_url", "executable",
    "repo", "docs", "python", "hidden", "settings", "settings_group_validation", "commands",
    "requires", "capabilities", "maintenance_status", "quality", "domain_url", "keywords",
    "definition", "next_steps", "settings_preamble", "usage", "prereq",
    "supported_python_versions", "log_parser",
}  # fmt: skip
HUB_TYPE_KEYS = {
    "extractors": {"metadata", "schema", "select"},
    "loaders": {"dialect", "target_schema"},
}
HUB_CAPABILITIES = {
    "extractors": {
        "properties", "catalog", "discover", "state", "about", "stream-maps",
        "schema-flattening", "activate-version", "batch", "test", "log-based",
        "structured-logging",
    },
    "loaders": {
        "about", "stream-maps", "activate-version", "batch", "soft-delete", "hard-delete",
        "datatype-failsafe", "schema-flattening", "target-schema", "validate-records",
        "structured-logging",
    },
}  # fmt: skip
HUB_SETTING_KEYS = {
    "name", "aliases", "label", "value", "placeholder", "kind", "description", "tooltip",
    "documentation", "env", "value_processor", "value_post_processor", "oauth", "options",
    "docs", "hidden", "sensitive",
}  # fmt: skip
HUB_SETTING_KINDS = {
    "oauth", "hidden", "password", "date_iso8601", "file", "email", "integer", "options",
    "object", "array", "boolean", "string", "decimal",
}  # fmt: skip
MAINTENANCE_STATUSES = {"active", "beta", "development", "inactive", "unknown"}
QUALITIES = {"gold", "silver", "bronze", "unknown"}
#: Hub requires name, namespace, variant and quality; a definition we publish has all of these.
REQUIRED_KEYS = {
    "name", "namespace", "variant", "label", "description", "pip_url", "executable",
    "capabilities", "keywords", "maintenance_status", "quality", "domain_url", "docs", "repo",
    "settings", "settings_group_validation",
}  # fmt: skip

#: Capabilities a plugin's --about reports that its definition (and meltano.yml) leaves out.
NOT_DECLARED = {
    # With it Meltano switches the plugin's logs to singer-sdk's JSON formatter and parses them
    # (its default `_log_parser` is singer-sdk), which changes every `meltano run`'s log output
    # of this project; nothing here has been tried with it yet. Declare it once it has.
    "structured-logging",
}


@functools.cache
def definition(package: str) -> dict[str, Any]:
    """The Hub definition of a package's plugin."""
    return yaml.safe_load(DEFINITIONS[package][1].read_text())


@functools.cache
def meltano_yml() -> dict[str, Any]:
    return yaml.safe_load((REPO_ROOT / "meltano.yml").read_text())


def meltano_plugin(package: str) -> dict[str, Any]:
    """The plugin's entry in the repository's meltano.yml."""
    plugin_type = DEFINITIONS[package][0]
    entries = [p for p in meltano_yml()["plugins"][plugin_type] if p["name"] == package]
    assert len(entries) == 1, f"meltano.yml: {len(entries)} {plugin_type} named {package}"
    return entries[0]


@functools.cache
def about(package: str) -> dict[str, Any]:
    """``<plugin> --about --format=json`` of the project's .venv (editable install of the source)."""
    return json.loads(about_output(Path(sys.executable).parent / PLUGINS[package], "json"))


@functools.cache
def meltano_schema() -> dict[str, Any]:
    """The JSON Schema of meltano.yml bundled with the installed Meltano."""
    return json.loads((resources.files(meltano_schemas) / "meltano.schema.json").read_text())


def meltano_capabilities(plugin_type: str) -> set[str]:
    """The capability names the installed Meltano's schema allows for the plugin type."""
    found: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            capabilities = node.get("properties", {}).get("capabilities", {})
            found.extend(capabilities.get("items", {}).get("enum", []))
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(meltano_schema()["$defs"]["plugins"][plugin_type])
    assert found, f"no capability enum for {plugin_type} in Meltano's schema"
    return set(found)


def schema_settings(package: str) -> dict[str, dict[str, Any]]:
    """Setting name → JSON Schema of every setting the plugin's config schema can name.

    Top-level properties, and ``parent.child`` for the declared properties of object-valued
    ones (``faker_config.seed``): Hub definitions name a nested object either way.
    """
    properties = about(package)["settings"]["properties"]
    named: dict[str, dict[str, Any]] = {}
    for name, schema in properties.items():
        named[name] = schema
        for child, child_schema in (schema.get("properties") or {}).items():
            named[f"{name}.{child}"] = child_schema
    return named


def allowed_kinds(schema: dict[str, Any]) -> set[str]:
    """The Meltano setting kinds that fit a JSON Schema property."""
    if schema.get("secret"):
        return {"password"}
    types = schema.get("type", [])
    types = {types} if isinstance(types, str) else set(types)
    types.discard("null")
    if not types:  # oneOf/anyOf (faker seed, faker locale): a kind of one of the alternatives
        alternatives = schema.get("oneOf", []) + schema.get("anyOf", [])
        kinds = set().union(*(allowed_kinds(a) for a in alternatives if isinstance(a, dict)))
        kinds.discard("null")
        return kinds
    (json_type,) = types
    if json_type == "string" and schema.get("format") == "date-time":
        return {"date_iso8601"}
    if json_type == "number":
        # Whole-number settings (requests a minute, seconds) stay `integer`: Meltano 4.4.1 turns a
        # `decimal` setting read from an environment variable into a Decimal that it then fails
        # to write into the plugin's config file ("Object of type Decimal is not JSON
        # serializable"), and the jobs set these from the environment.
        return {"integer", "decimal"}
    return {json_type}


def _comparable(setting: dict[str, Any]) -> dict[str, Any]:
    """What must agree between the definition and meltano.yml (labels live in the definition)."""
    return {
        "name": setting["name"],
        "kind": setting.get("kind"),
        "sensitive": bool(setting.get("sensitive", False)),
        "value": setting.get("value"),
        "description": setting.get("description"),
    }


# ----- the format ----------------------------------------------------------------------------------


@pytest.mark.parametrize("package", sorted(DEFINITIONS))
def test_definition_has_hubs_format(package: str) -> None:
    plugin_type, path = DEFINITIONS[package]
    spec = definition(package)
    allowed = HUB_KEYS | HUB_TYPE_KEYS[plugin_type]
    assert set(spec) <= allowed, f"{path}: keys Hub does not know: {sorted(set(spec) - allowed)}"
    assert set(spec) >= REQUIRED_KEYS, f"{path}: missing {sorted(REQUIRED_KEYS - set(spec))}"
    assert spec["name"] == package == path.stem
    assert spec["namespace"] == package.replace("-", "_")
    assert spec["variant"] == "clickup-extras"
    assert spec["maintenance_status"] in MAINTENANCE_STATUSES
    assert spec["quality"] in QUALITIES
    assert spec["repo"] == CANONICAL_REPO
    assert spec["docs"].startswith(f"{CANONICAL_REPO}/")
    assert spec["domain_url"].startswith("https://")
    assert spec["keywords"] and all(isinstance(k, str) for k in spec["keywords"])
    assert "meltano_sdk" in spec["keywords"]
    assert set(spec["capabilities"]) <= HUB_CAPABILITIES[plugin_type]
    assert len(spec["capabilities"]) == len(set(spec["capabilities"]))

    # The pip_url a user installs: the package's directory of the canonical repository, whose
    # pyproject.toml names this distribution and the executable.
    assert spec["pip_url"] == f"git+{CANONICAL_REPO}.git#subdirectory={package}"
    pyproject = tomllib.loads((REPO_ROOT / package / "pyproject.toml").read_text())["project"]
    assert pyproject["name"] == package
    assert spec["executable"] in pyproject["scripts"]

    names = [s["name"] for s in spec["settings"]]
    assert len(names) == len(set(names)), f"{path}: a setting is declared twice"
    for setting in spec["settings"]:
        where = f"{path}: setting {setting['name']}"
        assert set(setting) <= HUB_SETTING_KEYS, (
            f"{where}: {sorted(set(setting) - HUB_SETTING_KEYS)}"
        )
        assert setting.get("kind") in HUB_SETTING_KINDS, where
        assert setting.get("label") and setting.get("description"), f"{where}: label, description"
        # Secrets: kind password and sensitive (Meltano redacts them and keeps them in .env).
        assert (setting["kind"] == "password") == bool(setting.get("sensitive")), where
    for group in spec["settings_group_validation"]:
        assert set(group) <= set(names), f"{path}: settings_group_validation names {group}"


def test_meltano_yml_fits_meltanos_schema() -> None:
    """What `meltano compile` would warn about (e.g. a capability this Meltano does not know)."""
    validator_class = jsonschema.validators.validator_for(meltano_schema())
    errors = [
        f"{'.'.join(str(p) for p in error.absolute_path)}: {error.message}"
        for error in validator_class(meltano_schema()).iter_errors(meltano_yml())
    ]
    assert not errors, "\n".join(errors)


# ----- no drift ----------------------------------------------------------------------------------


@pytest.mark.parametrize("package", sorted(DEFINITIONS))
def test_definition_matches_the_plugins_about(package: str) -> None:
    spec = definition(package)
    info = about(package)
    schema = info["settings"]
    nameable = schema_settings(package)
    declared = {s["name"]: s for s in spec["settings"]}

    unknown = sorted(set(declared) - set(nameable))
    assert not unknown, f"settings the plugin's config schema does not have: {unknown}"
    for name, prop in schema["properties"].items():
        children = [f"{name}.{child}" for child in prop.get("properties") or {}]
        covered = name in declared or (children and all(c in declared for c in children))
        assert covered, f"config schema property {name!r} is not in the definition"
        assert not (name in declared and any(c in declared for c in children)), name

    for name, setting in declared.items():
        prop = nameable[name]
        assert setting["description"] == prop.get("description"), f"{name}: description"
        assert setting.get("value") == prop.get("default"), f"{name}: default"
        assert bool(setting.get("sensitive")) == bool(prop.get("secret")), f"{name}: sensitive"
        assert setting["kind"] in allowed_kinds(prop), f"{name}: kind {setting['kind']}"
    assert spec["settings_group_validation"] == [sorted(schema.get("required", []))]

    expected = [c for c in info["capabilities"] if c not in NOT_DECLARED]
    assert sorted(spec["capabilities"]) == sorted(expected)
    assert spec["description"] and spec["label"]


@pytest.mark.parametrize("package", sorted(DEFINITIONS))
def test_meltano_yml_declares_what_the_definition_declares(package: str) -> None:
    plugin_type = DEFINITIONS[package][0]
    spec = definition(package)
    plugin = meltano_plugin(package)
    assert plugin["namespace"] == spec["namespace"]
    assert plugin["executable"] == spec["executable"]
    assert [_comparable(s) for s in plugin["settings"]] == [
        _comparable(s) for s in spec["settings"]
    ]
    # meltano.yml lists the definition's capabilities that this Meltano's schema knows
    # (validate-records is a Hub capability of loaders that Meltano 4.4.1's schema lacks).
    known = meltano_capabilities(plugin_type)
    assert plugin["capabilities"] == [c for c in spec["capabilities"] if c in known]
    if "select" in spec:
        assert plugin.get("select") == spec["select"]


# ----- a real install from the definitions -------------------------------------------------------

#: What `meltano init` writes, less its comments and staging/prod (`meltano run` needs an
#: environment), plus the uv backend.
MINIMAL_PROJECT = """\
requires_meltano: ">=4.0,<5"
project_id: hub-definition-test
send_anonymous_usage_stats: false
default_environment: dev
environments:
  - name: dev
venv:
  backend: uv
"""
#: A setting of ``meltano config list``: ``name [env: VAR] (default: ...) current value: ...``.
SETTING_LINE = re.compile(
    r"^(\S+) \[env: (\S+)\](?: \(default: .*?\))? current value: (.*)$", re.MULTILINE
)


def _clean_environment() -> dict[str, str]:
    """This process's environment without anything that configures Meltano or the plugins."""
    prefixes = ("MELTANO_", "TAP_CLICKUP_EXTENDED_", "TARGET_EXTRAS_")
    environment = {k: v for k, v in os.environ.items() if not k.startswith(prefixes)}
    environment["MELTANO_SEND_ANONYMOUS_USAGE_STATS"] = "false"
    return environment


def _meltano(project: Path, environment: dict[str, str], *args: str, timeout: float = 300) -> str:
    meltano = Path(sys.executable).parent / "meltano"
    result = subprocess.run(
        [str(meltano), *args],
        cwd=project,
        env=environment,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert result.returncode == 0, f"meltano {' '.join(args)}:\n{result.stdout}\n{result.stderr}"
    return result.stdout + result.stderr


def _checkout(destination: Path) -> Path:
    """The two package directories as a clone of this working tree would hold them.

    Tracked and untracked-but-not-ignored files (so uncommitted work is included, caches and
    build output are not). A fresh path also keeps uv from reusing a wheel it built earlier
    from the same directory.
    """
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard", "--", *PLUGINS],
        cwd=REPO_ROOT,
        capture_output=True,
        check=True,
        timeout=60,
    ).stdout.decode()
    for relative in filter(None, listed.split("\0")):
        source = REPO_ROOT / relative
        if source.is_file():  # a tracked file deleted in the working tree is left out
            target = destination / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
    return destination


def _point_pip_url_at(project: Path, spec: dict[str, Any], checkout: Path) -> None:
    """Replace the definition's git pip_url, as `meltano add` copied it, by the checkout's copy.

    The canonical repository cannot be reached from here, so the test installs the same
    subdirectory from a local copy of this working tree instead. It edits only the `pip_url`
    line that `meltano add --from-ref` wrote into the new project's meltano.yml (Meltano has no
    command that sets pip_url), after checking that the line is the definition's URL; everything
    else the definition brought (settings, capabilities, executable) is used as added.
    """
    prefix = f"git+{CANONICAL_REPO}.git#subdirectory="
    assert spec["pip_url"].startswith(prefix)
    local = checkout / spec["pip_url"].removeprefix(prefix)
    assert (local / "pyproject.toml").is_file(), local
    meltano_file = project / "meltano.yml"
    line = f"pip_url: {spec['pip_url']}\n"
    text = meltano_file.read_text()
    assert text.count(line) == 1, f"meltano add did not write {line!r}:\n{text}"
    meltano_file.write_text(text.replace(line, f"pip_url: {local}\n"))


def _listed_settings(output: str) -> dict[str, str]:
    """``meltano config list --all``: setting name → its "current value" text."""
    return {match[1]: match[3] for match in SETTING_LINE.finditer(output)}


@pytest.mark.e2e
@pytest.mark.timeout(1800)
def test_add_from_ref_install_configure_and_run(
    tmp_path: Path, database_url: str, sandbox: Sandbox
) -> None:
    project = tmp_path / "project"
    project.mkdir()
    (project / "meltano.yml").write_text(MINIMAL_PROJECT)
    environment = _clean_environment()
    checkout = _checkout(tmp_path / "checkout")

    for package, (plugin_type, path) in DEFINITIONS.items():
        # Meltano 4 takes the type as --plugin-type (`meltano add extractor X` would add two
        # plugins, `extractor` and `X`).
        _meltano(
            project,
            environment,
            "add",
            "--plugin-type",
            PLUGIN_TYPE_ARG[plugin_type],
            package,
            "--from-ref",
            str(path),
            "--no-install",
        )
        _point_pip_url_at(project, definition(package), checkout)
    added = yaml.safe_load((project / "meltano.yml").read_text())["plugins"]
    for package, (plugin_type, _) in DEFINITIONS.items():
        (entry,) = added[plugin_type]
        assert entry["name"] == package and entry["variant"] == "clickup-extras"
        assert entry["capabilities"] == definition(package)["capabilities"]
        assert [s["name"] for s in entry["settings"]] == [
            s["name"] for s in definition(package)["settings"]
        ]

    _meltano(project, environment, "install", timeout=1200)
    for package, (plugin_type, _) in DEFINITIONS.items():
        # The installed executable is this tree's plugin: same settings as the .venv's.
        installed = project / ".meltano" / plugin_type / package / "venv" / "bin" / PLUGINS[package]
        installed_about = json.loads(about_output(installed, "json"))
        assert installed_about["settings"] == about(package)["settings"]

    salt = f"salt-{uuid.uuid4().hex}"
    secrets = {SANDBOX_TOKEN, salt, database_url}
    tap, target = "tap-clickup-extended", "target-extras"
    for plugin, name, value in [
        (tap, "api_token", SANDBOX_TOKEN),
        (tap, "base_url", sandbox.api_url),
        (tap, "rate_limit_per_minute", "2400"),  # the sandbox fixture allows 200 per 5 s
        (tap, "pii_salt", salt),
        (target, "database_url", database_url),
    ]:
        _meltano(project, environment, "config", "set", plugin, name, value)
    # `--from-ref` keeps a definition's settings and capabilities but not its `select` (an
    # extra, cleared by `meltano add`), so the selection it declares is set here.
    assert definition(tap)["select"] == ["*.*", "!comments.*", "!comment_scans.*"]
    _meltano(project, environment, "select", tap, "*", "*")
    _meltano(project, environment, "select", tap, "--exclude", "comments", "*")
    _meltano(project, environment, "select", tap, "--exclude", "comment_scans", "*")

    for package in DEFINITIONS:
        output = _meltano(project, environment, "config", "list", package, "--all")
        listed = _listed_settings(output)
        expected = [s["name"] for s in definition(package)["settings"]]
        assert sorted(listed) == sorted(expected), output
        for setting in definition(package)["settings"]:
            if setting.get("sensitive") and listed[setting["name"]] != "None (default)":
                assert listed[setting["name"]].startswith("(redacted)"), output
        leaked = [secret for secret in secrets if secret in output]
        assert not leaked, f"meltano config list {package} printed a secret"
    # The secrets went to the project's .env, not into meltano.yml.
    meltano_file = (project / "meltano.yml").read_text()
    assert not [secret for secret in secrets if secret in meltano_file]

    result = run_pipeline(
        environment,
        steps=[tap, target],
        cwd=project,
        stream_output=False,
    )
    assert result.returncode == 0, result.output[-6000:]

    export = sandbox.export()
    deleted = set(export["deleted"]["tasks"])
    live_task_ids = {task["id"] for task in export["tasks"] if task["id"] not in deleted}
    with psycopg.connect(database_url) as connection:
        tables = {
            row[0]
            for row in connection.execute(
                "select table_name from information_schema.tables"
                " where table_schema = 'clickup_extras' and table_type = 'BASE TABLE'"
            )
        }
        for stream in [
            "workspaces",
            "members",
            "spaces",
            "folders",
            "lists",
            "tasks",
            "task_custom_field_values",
            "time_entries",
        ]:
            assert stream in tables, sorted(tables)
            (count,) = connection.execute(
                f'select count(*) from clickup_extras."{stream}__current"'
            ).fetchone() or (0,)
            assert count > 0, f"no rows in clickup_extras.{stream}__current"
        landed = {
            row[0] for row in connection.execute("select id from clickup_extras.tasks__current")
        }
        runs = [
            row[0] for row in connection.execute("select status from clickup_extras._extras_runs")
        ]
    assert landed == live_task_ids
    assert "comments" not in tables  # the selection applied
    assert "comment_scans" not in tables
    assert runs and set(runs) == {"succeeded"}
