"""The packages build into an sdist and a wheel that install into a clean virtualenv and run.

Builds with ``python -m build`` (the sdist, then the wheel from the sdist), creates a fresh
virtualenv with uv (no access to the project's .venv), installs both wheels with their
dependencies from the package index, and runs each CLI's ``--about``. Checks what the wheels
and sdists hold (the package, its dist-info and LICENSE; no tests, no hub definition, nothing
stray in the wheel) and the core metadata of each wheel (license, classifiers, project URLs,
Python requirement, readme, keywords, authors). Also checks that the README settings tables
equal ``--about``. The webhook receiver (``webhook-receiver/``, no Singer plugin, no ``--about``)
has tests of its own below: its wheel, both command names in a clean venv beside the tap's and
the target's wheels, and that the target installs no HTTP server.
"""

from __future__ import annotations

import subprocess
import sys
import tarfile
import tomllib
import zipfile
from pathlib import Path

import pytest
from packaging.metadata import Metadata

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


def _version_of(init: Path) -> str:
    """The ``__version__`` of a package's ``__init__.py``."""
    for line in init.read_text().splitlines():
        if line.startswith("__version__"):
            return line.split("=", 1)[1].strip().strip("\"'")
    raise AssertionError(f"no __version__ in {init}")


def _package_version(package: str) -> str:
    module = package.replace("-", "_")
    return _version_of(REPO_ROOT / package / module / "__init__.py")


CANONICAL_REPO = "https://github.com/clickup-extras/clickup-extras"
#: ``[project.urls]`` of both packages (``{package}``: the package directory).
PROJECT_URLS = {
    "Homepage": CANONICAL_REPO,
    "Documentation": f"{CANONICAL_REPO}/tree/main/{{package}}#readme",
    "Repository": CANONICAL_REPO,
    "Issues": f"{CANONICAL_REPO}/issues",
    "Changelog": f"{CANONICAL_REPO}/blob/main/CHANGELOG.md",
}
#: Everything a wheel's dist-info may hold (hatchling; PEP 639 puts the license under licenses/).
DIST_INFO_FILES = {"METADATA", "WHEEL", "RECORD", "entry_points.txt", "licenses/LICENSE"}


def _module(package: str) -> str:
    return package.replace("-", "_")


def _source_files(package: str) -> set[str]:
    """The files of the package's import package in the source tree (no caches), as in a wheel."""
    root = REPO_ROOT / package
    module_dir = root / _module(package)
    return {
        path.relative_to(root).as_posix()
        for path in module_dir.rglob("*")
        if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc"
    }


@pytest.fixture(scope="module")
def built_dists(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Path]]:
    """Package directory → ``{"wheel": path, "sdist": path}``, built by ``python -m build``."""
    built: dict[str, dict[str, Path]] = {}
    for package in PLUGINS:
        dist = tmp_path_factory.mktemp(f"dist-{package}")
        _run(sys.executable, "-m", "build", "--outdir", dist, REPO_ROOT / package)
        wheels, sdists = sorted(dist.glob("*.whl")), sorted(dist.glob("*.tar.gz"))
        assert len(wheels) == 1 and len(sdists) == 1, (wheels, sdists)
        built[package] = {"wheel": wheels[0], "sdist": sdists[0]}
    return built


@pytest.fixture(scope="module")
def installed_venv(
    tmp_path_factory: pytest.TempPathFactory, built_dists: dict[str, dict[str, Path]]
) -> Path:
    """A fresh virtualenv with both wheels installed; its bin directory."""
    venv = tmp_path_factory.mktemp("venv") / "v"
    _run(UV, "venv", "--quiet", "--python", sys.executable, venv)
    wheels = sorted(dists["wheel"] for dists in built_dists.values())
    assert len(wheels) == 2, wheels
    _run(UV, "pip", "install", "--quiet", "--python", venv / "bin" / "python", *wheels)
    return venv / "bin"


@pytest.mark.timeout(600)
@pytest.mark.parametrize("package", sorted(PLUGINS))
def test_wheel_holds_only_the_package(
    built_dists: dict[str, dict[str, Path]], package: str
) -> None:
    wheel = built_dists[package]["wheel"]
    dist_info = f"{_module(package)}-{_package_version(package)}.dist-info/"
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        license_text = archive.read(f"{dist_info}licenses/LICENSE").decode()
    assert len(names) == len(set(names)), f"duplicate entries in {wheel.name}"
    package_files = {name for name in names if not name.startswith(dist_info)}
    metadata_files = {name.removeprefix(dist_info) for name in names if name.startswith(dist_info)}
    stray = sorted(name for name in package_files if not name.startswith(f"{_module(package)}/"))
    assert not stray, f"{wheel.name} holds files outside {_module(package)}/: {stray}"
    assert not [n for n in names if "__pycache__" in n or n.endswith((".pyc", ".pyo"))]
    assert not [n for n in names if n.startswith(("tests/", "hub/")) or "/tests/" in n]
    # Exactly the source package: nothing left out (a module hatchling did not pick up) and
    # nothing added (generated or copied files).
    assert package_files == _source_files(package)
    assert metadata_files == DIST_INFO_FILES
    assert license_text == (REPO_ROOT / package / "LICENSE").read_text()


@pytest.mark.timeout(600)
@pytest.mark.parametrize("package", sorted(PLUGINS))
def test_sdist_ships_license_readme_and_hub_definition(
    built_dists: dict[str, dict[str, Path]], package: str
) -> None:
    sdist = built_dists[package]["sdist"]
    top = f"{_module(package)}-{_package_version(package)}/"
    with tarfile.open(sdist) as archive:
        names = {member.name.removeprefix(top) for member in archive.getmembers()}
        license_member = archive.extractfile(f"{top}LICENSE")
        assert license_member is not None
        license_text = license_member.read().decode()
    expected = {"PKG-INFO", "pyproject.toml", "README.md", "LICENSE", f"hub/{package}.yml"}
    assert expected <= names, sorted(expected - names)
    assert _source_files(package) <= names
    assert license_text == (REPO_ROOT / package / "LICENSE").read_text()


@pytest.mark.timeout(600)
@pytest.mark.parametrize("package", sorted(PLUGINS))
def test_wheel_metadata_is_complete(built_dists: dict[str, dict[str, Path]], package: str) -> None:
    wheel = built_dists[package]["wheel"]
    dist_info = f"{_module(package)}-{_package_version(package)}.dist-info/"
    with zipfile.ZipFile(wheel) as archive:
        raw = archive.read(f"{dist_info}METADATA").decode()
        entry_points = archive.read(f"{dist_info}entry_points.txt").decode()
    # validate=True: the checks PyPI runs on upload (packaging is what warehouse uses).
    metadata = Metadata.from_email(raw, validate=True)
    pyproject = tomllib.loads((REPO_ROOT / package / "pyproject.toml").read_text())["project"]
    assert metadata.name == package
    assert str(metadata.version) == _package_version(package)
    assert metadata.summary and metadata.summary == pyproject["description"]
    assert metadata.license_expression == "MIT"
    assert metadata.license_files == ["LICENSE"]
    assert str(metadata.requires_python) == ">=3.11"
    assert metadata.author == "clickup-extras contributors"
    assert metadata.description_content_type == "text/markdown"
    assert metadata.description is not None
    readme = (REPO_ROOT / package / "README.md").read_text()
    assert metadata.description.strip() == readme.strip()
    assert metadata.keywords is not None
    assert {"meltano", "singer", "singer-sdk", "clickup"} <= set(metadata.keywords)
    assert metadata.project_urls == {
        label: url.format(package=package) for label, url in PROJECT_URLS.items()
    }
    classifiers = set(metadata.classifiers or [])
    assert {
        "Programming Language :: Python :: 3.11",
        "Programming Language :: Python :: 3 :: Only",
        "Topic :: Database",
        "Intended Audience :: Developers",
    } <= classifiers
    assert any(c.startswith("Development Status :: ") for c in classifiers)
    # The license is the License-Expression (PEP 639); a "License ::" classifier beside it is
    # deprecated and makes uv and setuptools warn.
    assert not [c for c in classifiers if c.startswith("License ::")]
    for script, target in pyproject["scripts"].items():
        assert f"{script} = {target}" in entry_points.splitlines()


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


#: The webhook receiver's HTTP server: a dependency of the receiver's package only.
RECEIVER_ONLY = {"starlette", "uvicorn", "uvloop", "httptools"}
RECEIVER = "webhook-receiver"
RECEIVER_DIST = "clickup-webhook-receiver"
RECEIVER_MODULE = "clickup_webhook_receiver"
RECEIVER_COMMANDS = ("clickup-webhooks", "target-extras-webhooks")


def _installed_distributions(bin_dir: Path) -> set[str]:
    """The normalized names of every distribution installed in the venv of ``bin_dir``."""
    out = _run(
        bin_dir / "python",
        "-c",
        "import importlib.metadata as m, re\n"
        "for d in m.distributions():\n"
        "    print(re.sub(r'[-_.]+', '-', d.metadata['Name']).lower())",
        timeout=60,
    )
    return set(out.split())


@pytest.mark.timeout(600)
def test_target_installs_no_http_server(
    built_dists: dict[str, dict[str, Path]], installed_venv: Path
) -> None:
    """The target (and the tap) pull in neither the receiver nor its server, even transitively."""
    dist_info = f"target_extras-{_package_version('target-extras')}.dist-info/"
    with zipfile.ZipFile(built_dists["target-extras"]["wheel"]) as archive:
        metadata = Metadata.from_email(archive.read(f"{dist_info}METADATA").decode())
    required = {str(req.name).lower() for req in metadata.requires_dist or []}
    assert "singer-sdk" in required  # the metadata was read
    assert not required & RECEIVER_ONLY, sorted(required & RECEIVER_ONLY)
    installed = _installed_distributions(installed_venv)
    assert {"target-extras", "tap-clickup-extended", "sqlalchemy"} <= installed
    assert not installed & (RECEIVER_ONLY | {RECEIVER_DIST}), sorted(installed & RECEIVER_ONLY)
    assert not [c for c in RECEIVER_COMMANDS if (installed_venv / c).exists()]


@pytest.fixture(scope="module")
def receiver_dists(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """``{"wheel": path, "sdist": path}`` of the webhook receiver, built by ``python -m build``."""
    dist = tmp_path_factory.mktemp("dist-receiver")
    _run(sys.executable, "-m", "build", "--outdir", dist, REPO_ROOT / RECEIVER)
    wheels, sdists = sorted(dist.glob("*.whl")), sorted(dist.glob("*.tar.gz"))
    assert len(wheels) == 1 and len(sdists) == 1, (wheels, sdists)
    return {"wheel": wheels[0], "sdist": sdists[0]}


@pytest.mark.timeout(600)
def test_receiver_wheel_holds_only_its_package(receiver_dists: dict[str, Path]) -> None:
    version = _version_of(REPO_ROOT / RECEIVER / RECEIVER_MODULE / "__init__.py")
    dist_info = f"{RECEIVER_MODULE}-{version}.dist-info/"
    with zipfile.ZipFile(receiver_dists["wheel"]) as archive:
        names = archive.namelist()
        metadata = Metadata.from_email(archive.read(f"{dist_info}METADATA").decode(), validate=True)
        entry_points = archive.read(f"{dist_info}entry_points.txt").decode().splitlines()
    module_dir = REPO_ROOT / RECEIVER / RECEIVER_MODULE
    source = {
        path.relative_to(REPO_ROOT / RECEIVER).as_posix()
        for path in module_dir.rglob("*")
        if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc"
    }
    assert {n for n in names if not n.startswith(dist_info)} == source
    assert {n.removeprefix(dist_info) for n in names if n.startswith(dist_info)} == DIST_INFO_FILES
    assert metadata.name == RECEIVER_DIST and str(metadata.version) == version
    required = {str(req.name).lower() for req in metadata.requires_dist or []}
    assert {"target-extras", "tap-clickup-extended", "starlette", "uvicorn"} <= required
    for command in RECEIVER_COMMANDS:
        assert f"{command} = {RECEIVER_MODULE}.cli:main" in entry_points
    with tarfile.open(receiver_dists["sdist"]) as archive:
        top = f"{RECEIVER_MODULE}-{version}/"
        members = {member.name.removeprefix(top) for member in archive.getmembers()}
    assert {"PKG-INFO", "pyproject.toml", "README.md", "LICENSE"} <= members


@pytest.mark.timeout(900)
def test_receiver_wheel_installs_and_runs_under_both_names(
    tmp_path_factory: pytest.TempPathFactory,
    built_dists: dict[str, dict[str, Path]],
    receiver_dists: dict[str, Path],
) -> None:
    """In a clean venv with the tap's and the target's wheels, both command names run."""
    venv = tmp_path_factory.mktemp("receiver-venv") / "v"
    _run(UV, "venv", "--quiet", "--python", sys.executable, venv)
    wheels = [
        built_dists["tap-clickup-extended"]["wheel"],
        built_dists["target-extras"]["wheel"],
        receiver_dists["wheel"],
    ]
    _run(UV, "pip", "install", "--quiet", "--python", venv / "bin" / "python", *wheels)
    for command in RECEIVER_COMMANDS:
        help_text = _run(venv / "bin" / command, "--help", timeout=60)
        assert "serve" in help_text and "register" in help_text, help_text
    assert {"starlette", "uvicorn", RECEIVER_DIST} <= _installed_distributions(venv / "bin")
