"""The ``make new-stream`` command: check the inputs, write every file, print the next steps.

Exit code 1 with one line on stderr when it refuses (existing name, invalid identifier, a path
it cannot map). Nothing is written unless every file could be prepared; each file is written
atomically (a temporary file, then ``os.replace``).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import yaml
from clickup_sandbox.routes import match
from tap_clickup_extended.fields import StreamFields, declarations
from tap_clickup_extended.tap import STREAM_TYPES

from tools import generate_fields
from tools.scaffold import dbt
from tools.scaffold.naming import (
    RESERVED_COLUMNS,
    Parent,
    ScaffoldError,
    check_identifier,
    class_name,
    parent_of,
    singular,
)
from tools.scaffold.openapi import shape_for
from tools.scaffold.templates import FIELDS_MODULE, SANDBOX_MODULE, TAP_MODULE

PLACEHOLDER_SAMPLE = re.compile(r"\{\w+\}")
ROOT = Path(__file__).resolve().parents[2]
STREAMS = ROOT / "tap-clickup-extended" / "tap_clickup_extended" / "streams"
FIELDS = ROOT / "tap-clickup-extended" / "tap_clickup_extended" / "fields"
SANDBOX_EXTRAS = ROOT / "clickup-sandbox" / "clickup_sandbox" / "extras"
STAGING = ROOT / "transform" / "models" / "staging" / "clickup_extras"
SOURCES_YML = STAGING / "_clickup_extras__sources.yml"
MACROS_YML = ROOT / "transform" / "macros" / "_macros.yml"


def _format_python(text: str, filename: str) -> str:
    """The text as ``ruff format`` writes it (unchanged when ruff is not installed)."""
    ruff = Path(sys.executable).parent / "ruff"
    command = str(ruff) if ruff.exists() else shutil.which("ruff")
    if command is None:
        return text
    done = subprocess.run(
        [command, "format", "--stdin-filename", filename, "-"],
        input=text,
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    return done.stdout if done.returncode == 0 else text


def _write_atomically(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(handle, "w") as out:
            out.write(text)
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _appended(path: Path, addition: str, list_key: str, names: list[str]) -> str:
    """``path``'s text with ``addition`` appended to its last top-level list, checked by parsing."""
    text = path.read_text()
    if not text.endswith("\n"):
        text += "\n"
    result = text + addition
    parsed = yaml.safe_load(result)
    entries = parsed[list_key]
    if list_key == "sources":
        entries = next(s for s in entries if s["name"] == "clickup_extras")["tables"]
    present = {entry["name"] for entry in entries}
    missing = [n for n in names if n not in present]
    if missing:
        raise ScaffoldError(f"could not append {', '.join(missing)} to {path}: edit it by hand.")
    return result


def existing_stream_names() -> set[str]:
    """Streams the tap has today."""
    return {stream_type.name for stream_type in STREAM_TYPES}


def plan(
    name: str, path: str, key: str, records_key: str | None, parent: Parent
) -> dict[Path, str]:
    """Every file to write and its full new text."""
    title = name.replace("_", " ").capitalize()
    owner_word = "workspace" if parent.owner == "team" else "space"
    shape = shape_for(path, name, key, records_key)
    tap_path = path.replace("{team_Id}", "{team_id}")
    const = f"{name.upper()}_FIELDS"
    description = f"ClickUp {name.replace('_', ' ')} (`GET {path}`)."
    tap_module = TAP_MODULE.format(
        title=title,
        owner_word=owner_word,
        path=path,
        tap_path=tap_path,
        parent_module=parent.module,
        parent_class=parent.class_name,
        class_name=class_name(name),
        name=name,
        const=const,
        records_key=shape.records_key,
        key=key,
        space_value=(
            '\n            space_id=(context or {}).get("space_id"),'
            if parent.owner == "space"
            else ""
        ),
    )
    entity = singular(name)
    fields_module = _format_python(
        FIELDS_MODULE.format(
            name=name,
            description=description,
            key=key,
            entity=entity,
            key_staging=f'\n            staging_name="{entity}_id",' if key == "id" else "",
            space_field=(
                '\n        Field("space_id", th.StringType),' if parent.owner == "space" else ""
            ),
        ),
        f"{name}.py",
    )
    origin = (
        f"Records are shaped like the example of ClickUp's OpenAPI definition\n"
        f"``{shape.openapi_file}``, so the responses validate against it."
        if shape.openapi_file
        else "ClickUp's OpenAPI files do not describe this path: records hold the key and a name.".replace(
            ": ", ":\n", 1
        )
    )
    sandbox_module = SANDBOX_MODULE.format(
        path=path,
        shape_origin=origin,
        shape=shape.record,
        owner_word=owner_word,
        key=key,
        title_singular=singular(name).replace("_", " ").capitalize(),
        name=name,
        records_key=shape.records_key,
        owner=parent.owner,
        envelope=shape.envelope,
    )
    return {
        STREAMS / f"{name}_streams.py": _format_python(tap_module, f"{name}_streams.py"),
        FIELDS / f"{name}.py": fields_module,
        SANDBOX_EXTRAS / f"{name}.py": _format_python(sandbox_module, f"{name}.py"),
        **staging_plan(name, _declared(name, fields_module), (key,), description),
    }


def _declared(name: str, fields_module: str) -> StreamFields:
    """The declaration the new module makes (compiled here, before anything is written)."""
    namespace: dict[str, object] = {"__name__": f"tap_clickup_extended.fields.{name}"}
    exec(compile(fields_module, str(FIELDS / f"{name}.py"), "exec"), namespace)
    declared = namespace["FIELDS"]
    assert isinstance(declared, StreamFields)
    return declared


def staging_plan(
    name: str, declared: StreamFields, keys: tuple[str, ...], description: str
) -> dict[Path, str]:
    """The dbt files of one stream: two models, the generated files, the two YAML additions.

    The column macro, the staging YAML and its docs, and the contracts table are what
    ``make generate`` writes from every declaration, the new one included.
    """
    generated = generate_fields.render(ROOT, [*declarations(), declared])
    return {
        STAGING / f"stg_clickup_extras__{name}.sql": dbt.model_sql(name, f"{name}__current"),
        STAGING / f"stg_clickup_extras__{name}_history.sql": dbt.model_sql(name, name),
        **{ROOT / path: text for path, text in generated.items()},
        SOURCES_YML: _appended(
            SOURCES_YML,
            dbt.source_entries(name, keys, description),
            "sources",
            [name, f"{name}__current"],
        ),
        MACROS_YML: _appended(
            MACROS_YML, dbt.macro_entry(name), "macros", [f"stg_clickup_extras__{name}_columns"]
        ),
    }


def main(argv: list[str] | None = None) -> int:
    """Scaffold one stream; return the exit code."""
    parser = argparse.ArgumentParser(prog="make new-stream", description=__doc__)
    parser.add_argument("--name", required=True, help="stream name, plural: goals")
    parser.add_argument("--path", required=True, help="API v2 path: /team/{team_id}/goal")
    parser.add_argument("--key", default="id", help="the key field of each object (id)")
    parser.add_argument("--records-key", default=None, help="the response's array (the name)")
    parser.add_argument("--parent", default=None, help="workspaces or spaces (from the path)")
    args = parser.parse_args(argv)
    try:
        check_identifier(args.name, "NAME")
        check_identifier(args.key, "KEY")
        if args.records_key:
            check_identifier(args.records_key, "RECORDS_KEY")
        if args.key in RESERVED_COLUMNS:
            raise ScaffoldError(f"KEY {args.key!r} is a column the scaffold writes itself.")
        parent = parent_of(args.path, args.parent or None)
        taken = [
            p
            for p in (
                STREAMS / f"{args.name}_streams.py",
                FIELDS / f"{args.name}.py",
                SANDBOX_EXTRAS / f"{args.name}.py",
                STAGING / f"stg_clickup_extras__{args.name}.sql",
            )
            if p.exists()
        ]
        if args.name in existing_stream_names() or taken:
            raise ScaffoldError(f"a stream named {args.name!r} exists already.")
        served = match("GET", PLACEHOLDER_SAMPLE.sub("1", args.path))
        if served is not None:
            raise ScaffoldError(
                f"the sandbox already serves {args.path} (as {served[0].key}): pick another path."
            )
        files = plan(args.name, args.path, args.key, args.records_key, parent)
    except ScaffoldError as exc:
        print(f"new-stream: error: {exc}", file=sys.stderr)
        return 1
    for path, text in files.items():
        existed = path.exists()
        _write_atomically(path, text)
        print(f"{'updated' if existed else 'created'}  {path.relative_to(ROOT)}")
    print(NEXT_STEPS.format(name=args.name))
    return 0


NEXT_STEPS = """
Next steps (see CONTRIBUTING.md, "Adding a stream"):
  1. .venv/bin/python -m pytest tests/streams -k {name}     # it passes as written
  2. tap-clickup-extended/tap_clickup_extended/fields/{name}.py: declare the endpoint's useful
     fields (type, description, source path, staging name, tests), then make generate
     (the staging macro, YAML and docs, and the contracts table follow from it)
  3. clickup-sandbox/clickup_sandbox/extras/{name}.py: serve realistic records for them
  4. docs/data-contracts.md: describe the stream's records; then make test-fast and commit"""


if __name__ == "__main__":
    sys.exit(main())
