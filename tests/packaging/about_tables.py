"""The settings tables of ``--about --format=markdown``, kept in each package's README.

The README section "Settings (``--about``)" holds the table between two markers; the tests
compare it with the live output. After changing a setting, refresh both READMEs with
``.venv/bin/python -m tests.packaging.about_tables --write``.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
#: Package directory → its CLI (the console script installed in .venv/bin).
PLUGINS = {"tap-clickup-extended": "tap-clickup-extended", "target-extras": "target-extras"}
START = "<!-- settings table: generated from --about, see tests/packaging/about_tables.py -->"
END = "<!-- end of settings table -->"


def settings_table(about_markdown: str) -> str:
    """The markdown table of the ``## Settings`` section of an ``--about`` output."""
    lines = about_markdown.splitlines()
    start = lines.index("## Settings")
    table = []
    for line in lines[start + 1 :]:
        if line.startswith("|"):
            table.append(line.rstrip())
        elif table:
            break
    return "\n".join(table)


def about_output(executable: str | Path, output_format: str = "markdown") -> str:
    """``<executable> --about --format=<output_format>``."""
    result = subprocess.run(
        [str(executable), "--about", f"--format={output_format}"],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    return result.stdout


def about_markdown(executable: str | Path) -> str:
    """``<executable> --about --format=markdown``."""
    return about_output(executable)


def readme_table(readme: Path) -> str:
    """The table between the markers of a README (``ValueError`` without markers)."""
    text = readme.read_text()
    return text.split(START, 1)[1].split(END, 1)[0].strip()


def write_readme_table(readme: Path, table: str) -> None:
    """Replace the table between the markers."""
    text = readme.read_text()
    head, rest = text.split(START, 1)
    tail = rest.split(END, 1)[1]
    readme.write_text(f"{head}{START}\n{table}\n{END}{tail}")


def main(argv: list[str] | None = None) -> int:
    """Print (or ``--write`` into the READMEs) the live settings tables."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help="update the READMEs")
    args = parser.parse_args(argv)
    bin_dir = Path(sys.executable).parent
    for package, cli in PLUGINS.items():
        table = settings_table(about_markdown(bin_dir / cli))
        if args.write:
            write_readme_table(REPO_ROOT / package / "README.md", table)
        else:
            print(f"{package}:\n{table}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
