"""Fixtures: the fake ClickUp server and a helper running the tap CLI as a subprocess."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.fake_clickup import TOKEN, FakeClickUp, serve


@dataclass
class TapRun:
    """Outcome of one CLI run."""

    returncode: int
    messages: list[dict]
    stderr: str

    def records(self, stream: str) -> list[dict]:
        """RECORD messages' records of ``stream``."""
        return [
            m["record"] for m in self.messages if m["type"] == "RECORD" and m["stream"] == stream
        ]

    def schema(self, stream: str) -> dict:
        """The last SCHEMA message's schema of ``stream``."""
        found = [m for m in self.messages if m["type"] == "SCHEMA" and m["stream"] == stream]
        return found[-1]["schema"]

    def last_state(self) -> dict:
        """The value of the last STATE message."""
        return [m for m in self.messages if m["type"] == "STATE"][-1]["value"]


@pytest.fixture
def fake_api() -> Iterator[FakeClickUp]:
    """A running fake ClickUp API."""
    api = FakeClickUp()
    server, _ = serve(api)
    yield api
    server.shutdown()
    server.server_close()


def run_tap(
    tmp_path: Path, config: dict[str, Any], state: dict | None = None, timeout: float = 120
) -> TapRun:
    """Run ``tap-clickup-extended`` with a config file (and state) and parse its output."""
    config_file = tmp_path / "config.json"
    config_file.write_text(json.dumps(config))
    args = [sys.executable, "-m", "tap_clickup_extended", "--config", str(config_file)]
    if state is not None:
        state_file = tmp_path / "state.json"
        state_file.write_text(json.dumps(state))
        args += ["--state", str(state_file)]
    proc = subprocess.run(args, capture_output=True, text=True, timeout=timeout, check=False)
    messages = [json.loads(line) for line in proc.stdout.splitlines() if line.startswith("{")]
    return TapRun(proc.returncode, messages, proc.stderr)


@pytest.fixture
def base_config(fake_api: FakeClickUp) -> dict[str, Any]:
    """Config for the fake API: fast retries, ample budget."""
    return {
        "api_token": TOKEN,
        "base_url": fake_api.base_url,
        "max_retries": 3,
        "rate_limit_per_minute": 6000,
    }
