"""Run a Singer tap as a subprocess with its output in files, and read its messages back."""

from __future__ import annotations

import json
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


class TapFailed(RuntimeError):
    """The tap exited non-zero; the message ends with the last line of its stderr."""


@dataclass
class TapRun:
    """What one tap run left behind."""

    wall_time_s: float
    output: Path
    state: dict[str, Any] | None = None
    records_by_stream: dict[str, int] = field(default_factory=dict)

    @property
    def record_count(self) -> int:
        return sum(self.records_by_stream.values())

    def records(self, *streams: str) -> Iterator[tuple[str, dict[str, Any]]]:
        """(stream, record) of every RECORD message of the given streams, in order."""
        wanted = set(streams)
        for message in read_messages(self.output):
            if message.get("type") == "RECORD" and message.get("stream") in wanted:
                yield message["stream"], message["record"]


def read_messages(path: Path) -> Iterator[dict[str, Any]]:
    """Every JSON line of a Singer output file."""
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            if line.strip():
                yield json.loads(line)


def run_tap(
    command: list[str],
    workdir: Path,
    name: str,
    config: dict[str, Any],
    *,
    state: dict[str, Any] | None = None,
    catalog: dict[str, Any] | None = None,
    env: dict[str, str] | None = None,
) -> TapRun:
    """Run ``command --config ... [--state ...] [--catalog ...]``; stdout and stderr to files."""
    workdir.mkdir(parents=True, exist_ok=True)
    args = [*command, "--config", str(_write(workdir / f"{name}.config.json", config))]
    if state is not None:
        args += ["--state", str(_write(workdir / f"{name}.state.json", state))]
    if catalog is not None:
        args += ["--catalog", str(_write(workdir / f"{name}.catalog.json", catalog))]
    output, errors = workdir / f"{name}.singer", workdir / f"{name}.stderr"
    started = time.perf_counter()
    with output.open("w") as out, errors.open("w") as err:
        code = subprocess.run(args, stdout=out, stderr=err, env=env, check=False).returncode
    wall = time.perf_counter() - started
    if code != 0:
        lines = [line for line in errors.read_text(errors="replace").splitlines() if line.strip()]
        last = lines[-1].strip() if lines else "no output on stderr"
        raise TapFailed(f"{name} exited {code}: {last} (log: {errors})")
    run = TapRun(wall_time_s=wall, output=output)
    for message in read_messages(output):
        kind = message.get("type")
        if kind == "RECORD":
            stream = message["stream"]
            run.records_by_stream[stream] = run.records_by_stream.get(stream, 0) + 1
        elif kind == "STATE":
            run.state = message["value"]
    return run


def _write(path: Path, content: dict[str, Any]) -> Path:
    path.write_text(json.dumps(content))
    path.chmod(0o600)  # configs hold the token
    return path
