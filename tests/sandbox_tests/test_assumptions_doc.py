"""tests/ASSUMPTIONS.md stays honest: what it names exists, and what tests ClickUp's examples is named.

The page lists the readings of ClickUp that the sandbox and the code share. Each row names the
code on both sides as ``path:function`` (``Class.method`` for a method) and the test that checks
it against ClickUp's documentation, if any, as ``path::test_name``. A rename, a removed function
or a removed test fails here with the row and the name; so does a test of
``test_documented_examples.py`` that the page does not mention, or a row that names no code.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest

from tests.sandbox_tests.schemas import REPO_ROOT

PAGE = REPO_ROOT / "tests" / "ASSUMPTIONS.md"
EXAMPLES_TESTS = REPO_ROOT / "tests" / "sandbox_tests" / "test_documented_examples.py"
CODE_ROOTS = (
    "tap-clickup-extended/",
    "target-extras/",
    "webhook-receiver/",
    "clickup-sandbox/",
    "bench/",
    "tests/",
    "transform/",
)
CODE_REF = re.compile(r"^(?P<path>[\w./-]+\.(?:py|sql|yml))(?::(?P<name>[A-Za-z_][\w.]*))?$")
TEST_REF = re.compile(r"^(?P<path>tests/[\w/]+\.py)::(?P<name>test_\w+)$")
BACKTICKED = re.compile(r"`([^`]+)`")
COLUMNS = ("#", "assumption", "code", "sandbox", "evidence", "test")
MIN_ROWS = 20


@dataclass(frozen=True)
class Row:
    """One row of the assumptions table, split into its cells."""

    number: str
    cells: dict[str, str]

    def refs(self, column: str) -> list[str]:
        return BACKTICKED.findall(self.cells[column])


def _table_rows(text: str, heading: str) -> list[list[str]]:
    section = text.split(heading, 1)[1].split("\n## ", 1)[0]
    rows = []
    for line in section.splitlines():
        if not line.startswith("|") or line.startswith("|---") or line.startswith("| #"):
            continue
        rows.append([cell.strip() for cell in line.strip().strip("|").split("|")])
    return rows


@cache
def assumption_rows() -> list[Row]:
    """The rows of the page's assumptions table."""
    rows = []
    for cells in _table_rows(PAGE.read_text(), "## The assumptions"):
        assert len(cells) == len(COLUMNS), (
            f"tests/ASSUMPTIONS.md: row {cells[0]} has {len(cells)} cells"
        )
        rows.append(Row(cells[0], dict(zip(COLUMNS, cells, strict=True))))
    return rows


def all_refs() -> list[str]:
    """Every backticked token of the page that names repository code or a test."""
    refs = []
    for token in BACKTICKED.findall(PAGE.read_text()):
        if TEST_REF.match(token) or (CODE_REF.match(token) and token.startswith(CODE_ROOTS)):
            refs.append(token)
    return sorted(set(refs))


@cache
def defined_names(path: Path) -> frozenset[str]:
    """Module-level names of a Python file, and ``Class.method`` for every method."""
    tree = ast.parse(path.read_text())
    names: set[str] = set()
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(node.name)
        if isinstance(node, ast.ClassDef):
            for item in node.body:
                if isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef):
                    names.add(f"{node.name}.{item.name}")
        if isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names.update(t.id for t in targets if isinstance(t, ast.Name))
    return frozenset(names)


def test_the_page_has_a_row_per_assumption_numbered_in_order() -> None:
    rows = assumption_rows()
    assert len(rows) >= MIN_ROWS, f"tests/ASSUMPTIONS.md lists only {len(rows)} assumptions"
    assert [r.number for r in rows] == [str(i) for i in range(1, len(rows) + 1)]


@pytest.mark.parametrize("row", assumption_rows(), ids=lambda r: f"row{r.number}")
def test_every_row_names_both_sides_evidence_and_a_test_or_none(row: Row) -> None:
    for column in ("code", "sandbox"):
        named = [ref for ref in row.refs(column) if CODE_REF.match(ref)]
        assert named, f"tests/ASSUMPTIONS.md row {row.number}: no code named in the {column} column"
    assert row.cells["evidence"], f"tests/ASSUMPTIONS.md row {row.number}: no evidence"
    test_cell = row.cells["test"]
    assert any(TEST_REF.match(r) for r in row.refs("test")) or test_cell.startswith("none"), (
        f"tests/ASSUMPTIONS.md row {row.number}: name the test that checks it against ClickUp's "
        "documentation, or say `none: <why>`"
    )


@pytest.mark.parametrize("ref", all_refs())
def test_every_named_file_function_and_test_exists(ref: str) -> None:
    match = TEST_REF.match(ref) or CODE_REF.match(ref)
    assert match is not None
    path = REPO_ROOT / match["path"]
    assert path.is_file(), f"tests/ASSUMPTIONS.md names {ref}, but {match['path']} does not exist"
    name = match["name"]
    if name is not None:
        assert name in defined_names(path), (
            f"tests/ASSUMPTIONS.md names {ref}, but {match['path']} defines no {name}: "
            "update the row to the code's current name"
        )


def test_every_documented_example_test_is_on_the_page() -> None:
    named = {m["name"] for ref in all_refs() if (m := TEST_REF.match(ref))}
    tests = {n for n in defined_names(EXAMPLES_TESTS) if n.startswith("test_")}
    missing = sorted(tests - named)
    assert not missing, f"tests/ASSUMPTIONS.md does not say what these check: {missing}"
