"""The files generated from the field declarations are current (``make generate``).

``tools.generate_fields`` renders the staging column macro, the staging YAML, its column docs
and the landing-table region of docs/data-contracts.md from ``tap_clickup_extended.fields``;
the committed files must be exactly that. The negative cases show a stale file is named,
with the command that regenerates it.
"""

from __future__ import annotations

import dataclasses
import shutil
import subprocess
import sys
from pathlib import Path

from singer_sdk import typing as th
from tap_clickup_extended.fields import Field, declarations

from tools import generate_fields
from tools.generate_fields import COLUMNS_MD, CONTRACTS, MACROS_SQL, MODELS_YML

ROOT = Path(__file__).resolve().parents[2]
GENERATED = (MACROS_SQL, COLUMNS_MD, MODELS_YML, CONTRACTS)


def _copy_generated(target: Path) -> None:
    for path in GENERATED:
        (target / path).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / path, target / path)


def test_generated_files_are_current() -> None:
    outdated = generate_fields.stale(ROOT)
    assert not outdated, "\n".join(generate_fields.stale_message(p) for p in outdated)


def test_every_generated_file_says_so() -> None:
    for path in GENERATED:
        assert generate_fields.NOTICE in (ROOT / path).read_text(encoding="utf-8"), path


def test_a_hand_edited_file_is_named_with_the_command(tmp_path: Path) -> None:
    _copy_generated(tmp_path)
    macros = tmp_path / MACROS_SQL
    macros.write_text(macros.read_text().replace("time_spent_ms::bigint", "time_spent_ms::int"))
    assert generate_fields.stale(tmp_path) == [MACROS_SQL]
    checked = subprocess.run(
        [sys.executable, "-m", "tools.generate_fields", "--check", "--root", str(tmp_path)],
        cwd=ROOT, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert checked.returncode == 1
    assert checked.stderr.strip() == (
        f"{MACROS_SQL} is stale (a field declaration changed, or it was edited): run make generate"
    )


def test_a_new_declared_field_makes_every_generated_file_stale(tmp_path: Path) -> None:
    _copy_generated(tmp_path)
    streams = declarations()
    tasks = next(d for d in streams if d.stream == "tasks")
    added = Field("sprint_points", th.IntegerType, description="Points of the task's sprint.")
    edited = [
        dataclasses.replace(d, fields=(*d.fields, added)) if d is tasks else d for d in streams
    ]
    assert generate_fields.stale(tmp_path, edited) == list(GENERATED)
    rendered = generate_fields.render(tmp_path, edited)
    assert "sprint_points::bigint as sprint_points," in rendered[MACROS_SQL]
    assert (
        "{% docs clickup_extras__tasks__sprint_points %}\nPoints of the task's sprint."
        in (rendered[COLUMNS_MD])
    )
    assert rendered[MODELS_YML].count("doc('clickup_extras__tasks__sprint_points')") == 2
    assert "| `sprint_points` | `bigint` |" in rendered[CONTRACTS]


def test_the_contracts_region_keeps_the_rest_of_the_document() -> None:
    text = (ROOT / CONTRACTS).read_text(encoding="utf-8")
    start = text.index(generate_fields.BEGIN)
    end = text.index(generate_fields.END) + len(generate_fields.END)
    rendered = generate_fields.render(ROOT)[CONTRACTS]
    assert rendered[:start] == text[:start]
    assert rendered.endswith(text[end:])
