"""Both packages build into wheels that install into a clean virtualenv and run.

Builds with ``python -m build --wheel``, creates a fresh virtualenv with uv (no access to the
project's .venv), installs both wheels with their dependencies from the package index, and
runs each CLI's ``--about``. Also checks that the README settings tables equal ``--about``.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.packaging.about_tables import (
    PLUGINS,
    REPO_ROOT,
    about_markdown,
    readme_table,
    settings_table,
)

UV = Path(sys.executable).parent / "uv"


def _run(*args: str | Path, timeout: float = 300) -> str:
    result = subprocess.run([str(a) for a in args], capture_output=True, text=True, timeout=timeout)
    assert result.returncode == 0, f"{args} failed:\n{result.stdout}\n{result.stderr}"
    return result.stdout


def _package_version(package: str) -> str:
    module = package.replace("-", "_")
    init = REPO_ROOT / package / module / "__init__.py"
    for line in init.read_text().splitlines():
        if line.startswith("__version__"):
            return line.split("=", 1)[1].strip().strip("\"'")
    raise AssertionError(f"no __version__ in {init}")


@pytest.fixture(scope="module")
def installed_venv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh virtualenv with both wheels installed; its bin directory."""
    dist = tmp_path_factory.mktemp("dist")
    for package in PLUGINS:
        _run(sys.executable, "-m", "build", "--wheel", "--outdir", dist, REPO_ROOT / package)
    venv = tmp_path_factory.mktemp("venv") / "v"
    _run(UV, "venv", "--quiet", "--python", sys.executable, venv)
    wheels = sorted(dist.glob("*.whl"))
    assert len(wheels) == 2, wheels
    _run(UV, "pip", "install", "--quiet", "--python", venv / "bin" / "python", *wheels)
    return venv / "bin"


@pytest.mark.timeout(600)
@pytest.mark.parametrize("package", sorted(PLUGINS))
def test_wheel_installs_and_describes_every_setting(installed_venv: Path, package: str) -> None:
    version = _package_version(package)
    cli = installed_venv / PLUGINS[package]
    about = about_markdown(cli)
    table = settings_table(about)
    rows = table.splitlines()[2:]  # below the header and its separator
    assert rows, about
    undocumented = [row.split("|")[1].strip() for row in rows if not row.split("|")[4].strip()]
    assert not undocumented, f"settings without a description: {undocumented}"
    metadata = _run(
        installed_venv / "python",
        "-c",
        f"import importlib.metadata as m; print(m.version({package!r}))",
        timeout=60,
    )
    assert metadata.strip() == version


@pytest.mark.parametrize("package", sorted(PLUGINS))
def test_readme_settings_table_is_the_about_output(package: str) -> None:
    cli = Path(sys.executable).parent / PLUGINS[package]
    live = settings_table(about_markdown(cli))
    assert readme_table(REPO_ROOT / package / "README.md") == live, (
        "README settings table is stale: run `.venv/bin/python -m tests.packaging.about_tables --write`"
    )
