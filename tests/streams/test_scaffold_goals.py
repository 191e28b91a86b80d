"""Acceptance: ``make new-stream`` in a copy of the repository gives a working, tested stream.

The copy holds the git-tracked files only (as in the working tree). It reuses this checkout's
``.venv`` and Meltano-installed dbt: the copy's packages come first on ``PYTHONPATH``, so its
tap, sandbox and tests are the ones that run (no install, a few seconds). After the scaffold and
no hand edits, the parametrised checks of ``test_every_stream.py`` run in the copy for ``goals``:
discovered by the tap, served by the sandbox (OpenAPI-valid), landed as ``clickup_extras.goals``
by the target, ``stg_clickup_extras__goals`` built and tested by dbt.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.streams.conftest import copy_environment

pytestmark = pytest.mark.e2e


def test_new_stream_goals_works_without_edits(copy: Path) -> None:
    environment = copy_environment(copy)
    scaffold = subprocess.run(
        ["make", "-s", "new-stream", "NAME=goals", "PATH=/team/{team_id}/goal",
         f"BIN={Path(sys.executable).parent}"],
        cwd=copy, env=environment, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert scaffold.returncode == 0, scaffold.stderr
    for created in (
        "tap-clickup-extended/tap_clickup_extended/streams/goals_streams.py",
        "clickup-sandbox/clickup_sandbox/extras/goals.py",
        "transform/models/staging/clickup_extras/stg_clickup_extras__goals.sql",
    ):
        assert (copy / created).is_file(), created
        assert f"created  {created}" in scaffold.stdout
    assert "created  tap-clickup-extended/tap_clickup_extended/fields/goals.py" in scaffold.stdout
    assert "updated  transform/macros/staging/clickup_extras_columns.sql" in scaffold.stdout
    # what it wrote is what make generate writes from the new declaration
    generated = subprocess.run(
        [sys.executable, "-m", "tools.generate_fields", "--check"],
        cwd=copy, env=environment, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert generated.returncode == 0, generated.stderr

    again = subprocess.run(
        ["make", "-s", "new-stream", "NAME=goals", "PATH=/team/{team_id}/goal",
         f"BIN={Path(sys.executable).parent}"],
        cwd=copy, env=environment, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert again.returncode != 0
    assert "new-stream: error: a stream named 'goals' exists already." in again.stderr

    ruff = Path(sys.executable).parent / "ruff"
    for command in ([str(ruff), "check", "."], [str(ruff), "format", "--check", "."]):
        linted = subprocess.run(command, cwd=copy, capture_output=True, text=True, check=False)
        assert linted.returncode == 0, linted.stdout

    checks = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
         "tests/streams/test_every_stream.py", "-k", "goals"],
        cwd=copy, env=environment, capture_output=True, text=True, check=False, timeout=600,
    )  # fmt: skip
    assert checks.returncode == 0, checks.stdout[-4000:]
    summary = re.search(r"(\d+) passed", checks.stdout)
    assert summary is not None and int(summary.group(1)) == 6, checks.stdout[-2000:]
