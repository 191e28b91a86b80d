"""Acceptance: a new column of an existing stream is one edit in the tap and one in the sandbox.

In a copy of the repository (``copy``, as for the scaffold test): the ``spaces`` declaration
gains ``time_tracking_enabled`` (ClickUp's ``features.time_tracking.enabled``, a mechanical
source path, staged as ``has_time_tracking``, described and tested), and the sandbox's space
serializer serves a value that varies (time tracking off in private spaces). ``make generate``
rewrites the generated files; no other file changes. Then, in the copy, the checks of
``test_every_stream.py`` for ``spaces`` run, together with
``test_the_new_column_lands_and_is_staged``, which runs only there (``ADD_COLUMN_COPY``): the
column is in the records, in the landing table and in both staging models, with its
description.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest

from tests.streams.conftest import Pipeline, copy_environment

pytestmark = pytest.mark.e2e

DECLARATION = "tap-clickup-extended/tap_clickup_extended/fields/spaces.py"
SERIALIZER = "clickup-sandbox/clickup_sandbox/serialize.py"
GENERATED = {
    "transform/macros/staging/clickup_extras_columns.sql",
    "transform/models/staging/clickup_extras/_clickup_extras__columns.md",
    "transform/models/staging/clickup_extras/_clickup_extras__models.yml",
    "docs/data-contracts.md",
}
DESCRIPTION = "Whether the space tracks time (ClickUp's `features.time_tracking.enabled`)."
NEW_FIELD = f'''        Field(
            "time_tracking_enabled",
            th.BooleanType,
            source="features.time_tracking.enabled",
            staging_name="has_time_tracking",
            description="{DESCRIPTION}",
            tests=("not_null",),
        ),
'''


def _digests(root: Path) -> dict[str, str]:
    return {
        path.relative_to(root).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in root.rglob("*")
        if path.is_file()
    }


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert text.count(old) == 1, f"{path}: {old!r} is not there once"
    path.write_text(text.replace(old, new))


def test_one_declaration_and_one_sandbox_edit_add_a_column(copy: Path) -> None:
    environment = copy_environment(copy)
    this_test = copy / "tests" / "streams" / Path(__file__).name
    shutil.copy2(__file__, this_test)  # also before this file is committed
    before = _digests(copy)

    declaration = copy / DECLARATION
    text = declaration.read_text()
    anchor = text.index("    ),\n)\n")  # the end of the fields tuple
    declaration.write_text(text[:anchor] + NEW_FIELD + text[anchor:])
    _edit(
        copy / SERIALIZER,
        '"time_tracking": on,',
        '"time_tracking": {"enabled": not s.private},',
    )
    generate = subprocess.run(
        ["make", "-s", "generate", f"BIN={Path(sys.executable).parent}"],
        cwd=copy, env=environment, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert generate.returncode == 0, generate.stderr

    after = _digests(copy)
    changed = {p for p in after.keys() | before.keys() if after.get(p) != before.get(p)}
    assert changed == {DECLARATION, SERIALIZER} | GENERATED
    assert changed - GENERATED == {DECLARATION, SERIALIZER}  # the hand edits: two files
    macros = (copy / "transform/macros/staging/clickup_extras_columns.sql").read_text()
    assert "time_tracking_enabled::boolean as has_time_tracking," in macros

    checks = subprocess.run(
        [sys.executable, "-m", "pytest", "-v", "-p", "no:cacheprovider",
         "tests/streams/test_every_stream.py", f"tests/streams/{this_test.name}", "-k", "spaces"],
        cwd=copy, env={**environment, "ADD_COLUMN_COPY": "1"},
        capture_output=True, text=True, check=False, timeout=600,
    )  # fmt: skip
    assert checks.returncode == 0, checks.stdout[-4000:]
    # the six checks of every stream for spaces, and the new column's own check
    assert len(re.findall(r"\[spaces\] PASSED", checks.stdout)) == 6, checks.stdout[-4000:]
    assert "test_the_new_column_lands_and_is_staged_spaces PASSED" in checks.stdout
    assert "SKIPPED" not in checks.stdout, checks.stdout[-4000:]


@pytest.mark.skipif(
    not os.environ.get("ADD_COLUMN_COPY"),
    reason="runs in the edited copy made by test_one_declaration_and_one_sandbox_edit_add_a_column",
)
def test_the_new_column_lands_and_is_staged_spaces(pipeline: Pipeline) -> None:
    records = pipeline.records("spaces")
    assert records
    assert pipeline.schema("spaces")["properties"]["time_tracking_enabled"]["type"] == [
        "boolean",
        "null",
    ]
    expected = {r["id"]: not r["private"] for r in records}
    assert {r["id"]: r["time_tracking_enabled"] for r in records} == expected
    assert set(expected.values()) == {True, False}, "the sandbox should vary the value"
    nodes = pipeline.dbt_manifest["nodes"]
    with psycopg.connect(pipeline.database_url) as connection:
        landed = connection.execute(
            "select id, time_tracking_enabled from clickup_extras.spaces__current"
        ).fetchall()
        assert dict(landed) == expected
        for model in ("stg_clickup_extras__spaces", "stg_clickup_extras__spaces_history"):
            node = nodes[f"model.clickup_extras.{model}"]
            assert node["columns"]["has_time_tracking"]["description"] == DESCRIPTION
            staged = connection.execute(
                f"select space_id, has_time_tracking from {node['relation_name']}"
            ).fetchall()
            assert dict(staged) == expected, model
