"""The tap's command line against hostile conditions: a broken ``--config`` file, an output
pipe whose reader (the target) is gone. Each is one ``error:`` line, exit 1, no traceback."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

from .tap_testkit import control, running_sandbox

TAP = [sys.executable, "-m", "tap_clickup_extended"]


def _one_error_line(stderr: str) -> str:
    assert "Traceback" not in stderr
    errors = [line for line in stderr.splitlines() if "error:" in line.lower()]
    assert len(errors) == 1, stderr[-3000:]
    assert errors[0].startswith("tap-clickup-extended: error: "), errors
    return errors[0]


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ('{"api_token": "pk_Sup3rSecretToken",,}', "is not valid JSON (Expecting property name"),
        ("", "is empty"),
        ("  \n", "is empty"),
        ('["pk_Sup3rSecretToken"]', "is a JSON array, not an object"),
    ],
    ids=["not-json", "empty", "blank", "array"],
)
def test_a_bad_config_file_is_one_line(tmp_path: Path, content: str, expected: str) -> None:
    path = tmp_path / "config.json"
    path.write_text(content)
    proc = subprocess.run(
        [*TAP, "--config", str(path)], capture_output=True, text=True, timeout=60, check=False
    )
    assert proc.returncode == 1
    error = _one_error_line(proc.stderr)
    assert f"config file {path} {expected}" in error
    assert "Sup3rSecret" not in proc.stderr + proc.stdout


def test_a_missing_config_file_is_one_line(tmp_path: Path) -> None:
    path = tmp_path / "absent.json"
    proc = subprocess.run(
        [*TAP, "--config", str(path)], capture_output=True, text=True, timeout=60, check=False
    )
    assert proc.returncode == 1
    assert "does not exist" in _one_error_line(proc.stderr)


def test_a_closed_output_pipe_stops_the_tap_at_once_in_one_line(tmp_path: Path) -> None:
    """The reader takes 20 kB and exits (as a failing target does): the tap stops right away."""
    with running_sandbox("--tasks", "300", "--seed", "3", "--rate-limit", "100000") as api:
        config = tmp_path / "config.json"
        config.write_text(
            json.dumps(
                {"api_token": "pk_sandbox", "base_url": api, "rate_limit_per_minute": 100000}
            )
        )
        control(api, "POST", "/stats/reset", {})
        reader = subprocess.Popen(
            [sys.executable, "-c", "import sys; sys.stdin.buffer.read(20000)"],
            stdin=subprocess.PIPE,
        )
        started = time.monotonic()
        tap = subprocess.run(
            [*TAP, "--config", str(config)],
            stdout=reader.stdin,
            stderr=subprocess.PIPE,
            text=True,
            timeout=120,
            check=False,
        )
        seconds = time.monotonic() - started
        assert reader.stdin is not None
        reader.stdin.close()
        reader.wait(timeout=10)
        requests = control(api, "GET", "/stats")["total"]
        full = subprocess.run(
            [*TAP, "--config", str(config)], capture_output=True, timeout=120, check=False
        )
        assert full.returncode == 0
        full_requests = control(api, "GET", "/stats")["total"] - requests
    assert tap.returncode == 1
    error = _one_error_line(tap.stderr)
    assert "standard output was closed" in error
    assert "An unhandled error occurred" not in tap.stderr
    assert requests < full_requests / 2, (requests, full_requests)
    assert seconds < 60
