"""Run one command and measure its wall time and peak memory (RSS of its process tree)."""

from __future__ import annotations

import os
import subprocess
import threading
import time
from dataclasses import dataclass
from pathlib import Path

_PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")
POLL_SECONDS = 0.05


@dataclass
class Measured:
    """What one run cost."""

    returncode: int
    seconds: float
    peak_rss_bytes: int


def _descendants(pid: int) -> list[int]:
    """The pid and every live descendant (via /proc/<pid>/task/*/children)."""
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        try:
            for task in os.listdir(f"/proc/{current}/task"):
                text = Path(f"/proc/{current}/task/{task}/children").read_text()
                todo.extend(int(child) for child in text.split())
        except OSError:
            continue
    return found


def tree_rss_bytes(pid: int) -> int:
    """Resident memory of a process and its descendants, summed."""
    total = 0
    for member in _descendants(pid):
        try:
            resident_pages = int(Path(f"/proc/{member}/statm").read_text().split()[1])
        except (OSError, IndexError, ValueError):
            continue
        total += resident_pages * _PAGE_SIZE
    return total


def run_measured(
    command: list[str],
    *,
    stdin: Path,
    stdout: Path,
    stderr: Path,
    env: dict[str, str] | None = None,
) -> Measured:
    """Run ``command`` with files as its standard streams; poll the tree's RSS until it ends.

    The peak is the larger of the polled tree sum and the kernel's own ``ru_maxrss`` of the
    process (``wait4``), which catches a short spike between two polls.
    """
    peak = 0
    done = threading.Event()
    with stdin.open("rb") as fin, stdout.open("wb") as fout, stderr.open("wb") as ferr:
        started = time.perf_counter()
        proc = subprocess.Popen(command, stdin=fin, stdout=fout, stderr=ferr, env=env)

        def poll() -> None:
            nonlocal peak
            while not done.is_set():
                peak = max(peak, tree_rss_bytes(proc.pid))
                done.wait(POLL_SECONDS)

        poller = threading.Thread(target=poll, daemon=True)
        poller.start()
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - started
        done.set()
        poller.join()
        proc.returncode = os.waitstatus_to_exitcode(status)
    return Measured(proc.returncode, seconds, max(peak, usage.ru_maxrss * 1024))
