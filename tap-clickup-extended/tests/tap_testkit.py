"""Helpers shared by the tap's tests: run the tap CLI as a subprocess, build catalogs, start the
ClickUp sandbox and call its control API."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any


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


def run_tap(
    tmp_path: Path,
    config: dict[str, Any],
    state: dict | None = None,
    timeout: float = 120,
    select: dict[str, bool] | None = None,
) -> TapRun:
    """Run ``tap-clickup-extended`` with a config file (and state) and parse its output.

    ``select`` overrides the default selection of the named streams (through a catalog).
    """
    config_file = tmp_path / "config.json"
    config_file.write_text(json.dumps(config))
    args = [sys.executable, "-m", "tap_clickup_extended", "--config", str(config_file)]
    if state is not None:
        state_file = tmp_path / "state.json"
        state_file.write_text(json.dumps(state))
        args += ["--state", str(state_file)]
    if select:
        catalog_file = tmp_path / "catalog.json"
        catalog_file.write_text(json.dumps(catalog(config_file, select)))
        args += ["--catalog", str(catalog_file)]
    proc = subprocess.run(args, capture_output=True, text=True, timeout=timeout, check=False)
    messages = [json.loads(line) for line in proc.stdout.splitlines() if line.startswith("{")]
    return TapRun(proc.returncode, messages, proc.stderr)


def catalog(config_file: Path, select: dict[str, bool]) -> dict:
    """The discovered catalog with the streams of ``select`` selected or not."""
    found = subprocess.run(
        [sys.executable, "-m", "tap_clickup_extended", "--config", str(config_file), "--discover"],
        capture_output=True, text=True, timeout=60, check=True,
    )  # fmt: skip
    result = json.loads(found.stdout)
    for entry in result["streams"]:
        if entry["tap_stream_id"] in select:
            for item in entry["metadata"]:
                if item["breadcrumb"] == []:
                    item["metadata"]["selected"] = select[entry["tap_stream_id"]]
    return result


@contextmanager
def running_sandbox(*args: str) -> Iterator[str]:
    """A ``clickup-sandbox serve`` subprocess on a free port; yields its API base URL."""
    command = [str(Path(sys.executable).with_name("clickup-sandbox")), "serve", "--port", "0"]
    proc = subprocess.Popen(
        [*command, *args], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        match = re.search(r"(http://\S+/api/v2)", line)
        assert match, line
        yield match.group(1)
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def control(base_url: str, method: str, path: str, body: Any = None) -> Any:
    """Call the sandbox's control API (``/_sandbox``) and return its JSON."""
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(
        base_url.removesuffix("/api/v2") + "/_sandbox" + path, data=data, method=method
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.load(response)
