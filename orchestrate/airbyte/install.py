"""Install PyAirbyte in a virtualenv of its own and take the ClickUp connector's manifest out.

PyAirbyte (`airbyte`) and `airbyte-source-clickup-api` pin conflicting versions, so they cannot
share a virtualenv. The connector is a declarative (YAML) one: PyAirbyte runs its manifest
directly, so only the manifest is taken out of the connector's wheel (`pip download --no-deps`).
Both land under `.airbyte/` (gitignored) once; a stamp file records what was installed.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
AIRBYTE_HOME = Path(os.environ.get("CLICKUP_AIRBYTE_HOME", "") or REPO_ROOT / ".airbyte")
PYAIRBYTE_REQUIREMENT = "airbyte==0.71.3"
CONNECTOR_PACKAGE = "airbyte-source-clickup-api"
CONNECTOR_VERSION = "0.2.0"
MANIFEST_MEMBER = "source_clickup_api/manifest.yaml"


class AirbyteInstallError(RuntimeError):
    """PyAirbyte or the connector could not be installed; the message is one actionable line."""


def venv_python(home: Path = AIRBYTE_HOME) -> Path:
    return home / "venv" / "bin" / "python"


def manifest_path(home: Path = AIRBYTE_HOME) -> Path:
    return home / f"source-clickup-api-{CONNECTOR_VERSION}.yaml"


def _uv() -> str:
    candidate = Path(sys.executable).parent / "uv"
    found = str(candidate) if candidate.exists() else shutil.which("uv")
    if not found:
        raise AirbyteInstallError(
            "uv is not installed in .venv: run `make install` first, then retry"
        )
    return found


def _run(command: list[str], what: str) -> None:
    completed = subprocess.run(command, capture_output=True, text=True, check=False)
    if completed.returncode != 0:
        lines = [line.strip() for line in (completed.stderr or completed.stdout).splitlines()]
        lines = [line for line in lines if line]
        # uv and pip end with hints; the line that says what failed starts with a cross mark
        # (U+00D7) or "error"/"ERROR"
        cross = "\u00d7"
        failed = [line for line in lines if line.startswith((cross, "error", "ERROR"))]
        reason = (failed or lines or [f"exit code {completed.returncode}"])[0].lstrip(cross + " ")
        raise AirbyteInstallError(
            f"could not {what} ({reason}); check that PyPI is reachable, or remove "
            f"{AIRBYTE_HOME} and retry"
        )


def ensure_venv(home: Path = AIRBYTE_HOME) -> Path:
    """The Airbyte virtualenv's Python, created and filled with PyAirbyte on first use."""
    python = venv_python(home)
    stamp = home / "venv" / ".installed"
    if python.exists() and stamp.exists() and stamp.read_text() == PYAIRBYTE_REQUIREMENT:
        return python
    home.mkdir(parents=True, exist_ok=True)
    uv = _uv()
    print(f"airbyte: installing {PYAIRBYTE_REQUIREMENT} into {home / 'venv'} (once)",
          file=sys.stderr, flush=True)  # fmt: skip
    # the interpreter running us (Python 3.11): uv must not look for, or download, another one
    _run([uv, "venv", "--quiet", "--allow-existing", "--python", sys.executable, str(home / "venv")],
         "create the Airbyte virtualenv")  # fmt: skip
    _run([uv, "pip", "install", "--quiet", "--python", str(python), PYAIRBYTE_REQUIREMENT],
         f"install {PYAIRBYTE_REQUIREMENT}")  # fmt: skip
    stamp.write_text(PYAIRBYTE_REQUIREMENT)
    return python


def ensure_manifest(home: Path = AIRBYTE_HOME) -> Path:
    """The connector's own manifest.yaml, taken out of its wheel on first use."""
    target = manifest_path(home)
    if target.exists():
        return target
    home.mkdir(parents=True, exist_ok=True)
    requirement = f"{CONNECTOR_PACKAGE}=={CONNECTOR_VERSION}"
    print(f"airbyte: downloading {requirement} for its manifest (once)", file=sys.stderr,
          flush=True)  # fmt: skip
    with tempfile.TemporaryDirectory(prefix="ab-wheel-") as download_dir:
        _run(
            [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps",
             "--disable-pip-version-check", "--only-binary=:all:", "--dest", download_dir,
             requirement],
            f"download {requirement}",
        )  # fmt: skip
        wheels = list(Path(download_dir).glob("*.whl"))
        if not wheels:
            raise AirbyteInstallError(f"pip downloaded no wheel for {requirement}")
        with zipfile.ZipFile(wheels[0]) as wheel:
            if MANIFEST_MEMBER not in wheel.namelist():
                raise AirbyteInstallError(f"{wheels[0].name} has no {MANIFEST_MEMBER}")
            partial = target.with_suffix(".partial")
            partial.write_bytes(wheel.read(MANIFEST_MEMBER))
            partial.replace(target)
    return target


def ensure_installed(home: Path = AIRBYTE_HOME) -> tuple[Path, Path]:
    """(the Airbyte virtualenv's Python, the connector's manifest), installing what is missing."""
    return ensure_venv(home), ensure_manifest(home)


def stream_names(manifest: Path) -> list[str]:
    """The streams the connector's manifest declares (read with our PyYAML)."""
    import yaml

    document = yaml.safe_load(manifest.read_text())
    return [stream["name"] for stream in document["definitions"]["streams"].values()]


if __name__ == "__main__":
    try:
        python, manifest = ensure_installed()
    except AirbyteInstallError as error:
        print(f"airbyte: error: {error}", file=sys.stderr)
        sys.exit(1)
    print(f"airbyte: {python}\nairbyte: {manifest}: streams {', '.join(stream_names(manifest))}")
