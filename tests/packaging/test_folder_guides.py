"""Every folder says what lives there and what may import it; CONTRIBUTING's layout table is true.

A folder holding code (``.py`` or ``.sql`` files tracked by git) has a guide:

- a Python package: its ``__init__.py`` starts with a docstring holding an ``Imported by:``
  paragraph;
- any other folder: its own ``README.md``, or the README or package docstring of a folder
  above it naming it in backticks by its path relative to that folder (``models/staging/airbyte/``).

CONTRIBUTING.md § "Where things live" lists every top-level folder and every Python package
folder, and names no folder that does not exist.
"""

from __future__ import annotations

import ast
import re
import subprocess
from pathlib import Path, PurePosixPath

ROOT = Path(__file__).resolve().parents[2]
CODE_SUFFIXES = {".py", ".sql"}


def tracked_files() -> list[PurePosixPath]:
    """The files git tracks (and those added but not yet committed), relative to the root."""
    out = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return [PurePosixPath(line) for line in out.splitlines() if (ROOT / line).is_file()]


def code_folders(files: list[PurePosixPath]) -> set[PurePosixPath]:
    """Folders holding at least one tracked code file directly."""
    return {f.parent for f in files if f.suffix in CODE_SUFFIXES and f.parent != PurePosixPath(".")}


def package_docstring(folder: PurePosixPath) -> str | None:
    """The docstring of a package's ``__init__.py``, or None when the folder is no package."""
    init = ROOT / folder / "__init__.py"
    if not init.is_file():
        return None
    return ast.get_docstring(ast.parse(init.read_text(encoding="utf-8"))) or ""


def named_by_a_guide_above(folder: PurePosixPath) -> bool:
    """Whether the README.md or package docstring of an ancestor names ``folder`` (relative path)."""
    for ancestor in folder.parents:
        readme = ROOT / ancestor / "README.md"
        guides = [readme.read_text(encoding="utf-8")] if readme.is_file() else []
        guides.append(package_docstring(ancestor) or "")
        relative = folder.relative_to(ancestor).as_posix()
        if any(f"`{relative}/`" in guide for guide in guides):
            return True
    return False


def missing_guides(files: list[PurePosixPath]) -> list[str]:
    """One line per code folder without a guide."""
    problems = []
    for folder in sorted(code_folders(files)):
        docstring = package_docstring(folder)
        if docstring is not None:
            if "Imported by:" not in docstring:
                problems.append(
                    f"{folder}/__init__.py: its docstring has no 'Imported by:' paragraph"
                )
        elif not (ROOT / folder / "README.md").is_file() and not named_by_a_guide_above(folder):
            problems.append(
                f"{folder}/: no README.md, and no guide above it names `{folder.name}/`"
            )
    return problems


def layout_table_paths() -> set[str]:
    """The folders CONTRIBUTING.md § "Where things live" lists (without the trailing slash)."""
    text = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
    section = text.split("## Where things live", 1)[1].split("\n## ", 1)[0]
    return {m.group(1) for m in re.finditer(r"^\| `([^`]+)/` \|", section, flags=re.MULTILINE)}


def test_every_code_folder_has_a_guide() -> None:
    problems = missing_guides(tracked_files())
    assert not problems, "folders without a guide (see CONTRIBUTING.md § Where things live):\n" + (
        "\n".join(problems)
    )


def test_the_layout_table_lists_every_top_level_folder_and_package() -> None:
    files = tracked_files()
    listed = layout_table_paths()
    top_level = {f.parts[0] for f in files if len(f.parts) > 1 and not f.parts[0].startswith(".")}
    packages = {
        str(folder)
        for folder in code_folders(files)
        if package_docstring(folder) is not None and not folder.parts[0].startswith(".")
    }
    missing = sorted((top_level | packages) - listed)
    gone = sorted(path for path in listed if not (ROOT / path).is_dir())
    assert not missing, f"CONTRIBUTING.md § Where things live misses: {', '.join(missing)}"
    assert not gone, f"CONTRIBUTING.md § Where things live names folders that are gone: {gone}"


def test_a_folder_without_a_guide_is_found() -> None:
    """The check itself can fail: a code folder nobody describes is reported."""
    unnamed = PurePosixPath("transform/models/marts/nowhere_described/fct_x.sql")
    undocumented_package = PurePosixPath("tests/e2e/__init__.py")
    problems = missing_guides([unnamed, undocumented_package])
    assert problems == [
        f"{unnamed.parent}/: no README.md, and no guide above it names `nowhere_described/`"
    ]
