"""The other systems the benchmark compares with, each in its own virtualenv under .bench/venvs."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
VENVS = REPO_ROOT / ".bench" / "venvs"


class PeerInstallError(RuntimeError):
    """A peer package could not be installed."""


def ensure_venv(name: str, spec: str, probe: str, *extra: str) -> Path:
    """``VENVS/name`` with ``spec`` (and ``extra`` requirements) installed (made once; ``probe`` is a file it must contain).

    Installs with uv (from the project's venv; its cache makes a reinstall take seconds).
    A half-made venv (no probe) is removed and made again.
    """
    venv = VENVS / name
    if (venv / probe).exists():
        return venv
    print(f"installing {spec} into {venv} ...", file=sys.stderr, flush=True)
    shutil.rmtree(venv, ignore_errors=True)
    venv.parent.mkdir(parents=True, exist_ok=True)
    uv = Path(sys.executable).with_name("uv")
    steps = [
        [str(uv), "venv", "--quiet", "--python", sys.executable, str(venv)],
        [str(uv), "pip", "install", "--quiet", "--python", str(venv / "bin/python"), spec, *extra],
    ]
    for step in steps:
        done = subprocess.run(step, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            last = (done.stderr.strip().splitlines() or ["no output"])[-1]
            raise PeerInstallError(f"installing {spec} into {venv} failed: {last}")
    if not (venv / probe).exists():
        raise PeerInstallError(f"installing {spec} into {venv} left no {probe}")
    return venv
