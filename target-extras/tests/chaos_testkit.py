"""Helpers of the chaos tests: a target process fed line by line, its output read as it comes."""

from __future__ import annotations

import json
import subprocess
import threading
import time
import typing as t

from extras_testkit import TARGET_ENV, singer_lines

if t.TYPE_CHECKING:
    from collections.abc import Callable

ITEMS_SCHEMA = {
    "type": "SCHEMA",
    "stream": "items",
    "key_properties": ["id"],
    "schema": {"properties": {"id": {"type": "string"}, "n": {"type": ["null", "integer"]}}},
}
MARKER = {"clickup_extras_sync": {"completed": True, "finished_at": "2026-05-01T10:00:00+00:00"}}


def items(first: int, count: int, state_every: int = 100) -> list[dict]:
    """``count`` records of distinct keys (each one new version), a STATE every ``state_every``."""
    messages: list[dict] = []
    for n in range(first, first + count):
        at = f"2026-05-01T10:{n // 60 % 60:02d}:{n % 60:02d}+00:00"
        record = {"id": f"k{n}", "n": n}
        messages.append(
            {"type": "RECORD", "stream": "items", "record": record, "time_extracted": at}
        )
        if (n + 1) % state_every == 0:
            messages.append({"type": "STATE", "value": {"bookmarks": {"items": {"n": n + 1}}}})
    return messages


def marker_state(n: int) -> dict:
    """The tap's end-of-sync STATE after ``n`` records."""
    return {"type": "STATE", "value": {"bookmarks": {"items": {"n": n}}, **MARKER}}


class TargetProcess:
    """``target-extras`` with its stdin open: the test writes messages when it chooses."""

    def __init__(self, command: list[str]) -> None:
        """Start the target; threads collect stdout (states) and stderr lines."""
        self.proc = subprocess.Popen(
            command,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=TARGET_ENV,
        )
        self.states: list[dict] = []
        self.stderr_lines: list[str] = []
        self._readers = [
            threading.Thread(target=self._read_stdout, daemon=True),
            threading.Thread(target=self._read_stderr, daemon=True),
        ]
        for reader in self._readers:
            reader.start()

    def _read_stdout(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            if line.strip():
                self.states.append(json.loads(line))

    def _read_stderr(self) -> None:
        assert self.proc.stderr is not None
        for line in self.proc.stderr:
            self.stderr_lines.append(line)

    @property
    def stderr(self) -> str:
        """Everything on stderr so far."""
        return "".join(self.stderr_lines)

    def send(self, messages: list[dict]) -> None:
        """Write messages to the target's stdin."""
        assert self.proc.stdin is not None
        self.proc.stdin.write(singer_lines(messages))
        self.proc.stdin.flush()

    def feed(self, messages: list[dict]) -> threading.Thread:
        """Write messages, then end the input, on a thread (the pipe may fill while the target
        waits for the database)."""

        def write() -> None:
            try:
                self.send(messages)
                self.close_input()
            except (BrokenPipeError, ValueError):  # the target stopped reading
                pass

        writer = threading.Thread(target=write, daemon=True)
        writer.start()
        return writer

    def close_input(self) -> None:
        """End the input (as a tap that exited does)."""
        assert self.proc.stdin is not None
        self.proc.stdin.close()

    def wait(self, timeout: float = 120) -> int:
        """Wait for the exit code; the output readers finish too."""
        code = self.proc.wait(timeout=timeout)
        for reader in self._readers:
            reader.join(timeout=10)
        return code

    def kill(self) -> None:
        """SIGKILL (no cleanup)."""
        self.proc.kill()
        self.wait(timeout=30)


def wait_until(predicate: Callable[[], bool], timeout: float = 60, step: float = 0.05) -> bool:
    """Poll ``predicate`` until it holds or ``timeout`` passes; whether it held."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(step)
    return predicate()


def error_lines(stderr: str) -> list[str]:
    """The ``target-extras: error:`` lines."""
    return [line for line in stderr.splitlines() if line.startswith("target-extras: error:")]
