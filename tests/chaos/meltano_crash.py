"""``meltano run tap target`` with the target SIGKILLed right after its n-th state commit.

The target records every state it is about to emit in ``clickup_extras._extras_runs.last_state``
once the records it covers are committed (target_extras/run_log.py). A watcher polls that column
and, at the n-th distinct state carrying a ``tasks`` bookmark, kills the target process (a
descendant of meltano) with SIGKILL: a crash right after a commit, before anything else lands.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg

from orchestrate.pipeline import REPO_ROOT, meltano_executable

STEPS = ["tap-clickup-extended", "target-extras"]
LAST_STATE = (
    "select last_state from clickup_extras._extras_runs "
    "where status = 'running' order by started_at desc limit 1"
)


@dataclass
class CrashedRun:
    """How the killed run went."""

    killed: bool
    returncode: int
    seconds: float
    #: The tasks bookmarks of the state committed when the target was killed.
    committed_tasks_bookmarks: list[Any]
    output: str


def tasks_bookmarks(state: dict[str, Any] | None) -> list[Any]:
    """The ``replication_key_value`` of every ``tasks`` partition that has one."""
    tasks = ((state or {}).get("bookmarks") or {}).get("tasks") or {}
    return [
        p["replication_key_value"]
        for p in tasks.get("partitions") or []
        if p.get("replication_key_value")
    ]


def descendants(root: int) -> list[int]:
    """Pids of every live descendant of ``root`` (from /proc)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        parent = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(parent, []).append(int(entry.name))
    found, todo = [], [root]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def target_pid(meltano_pid: int) -> int | None:
    """The target-extras process meltano started (``None`` while there is none)."""
    for pid in descendants(meltano_pid):
        try:
            command = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if any(part.endswith(b"/target-extras") for part in command):
            return pid
    return None


def _committed_state(connection: psycopg.Connection[Any]) -> dict[str, Any] | None:
    try:
        row = connection.execute(LAST_STATE).fetchone()
    except psycopg.errors.UndefinedTable:
        return None
    value = row[0] if row else None
    return json.loads(value) if isinstance(value, str) else value


def run_until_commit(
    environment: dict[str, str],
    database_url: str,
    nth: int,
    timeout: float = 240,
    *,
    whole_run: bool = False,
) -> CrashedRun:
    """Run the pipeline; SIGKILL the target at its ``nth`` state commit with a tasks bookmark.

    ``whole_run``: SIGKILL meltano, the tap and the target together (the process group), as a
    lost machine or ``kill -9`` of a scheduler's task does.
    """
    started = time.monotonic()
    log = Path(environment.get("TMPDIR", "/tmp")) / f"meltano-crash-{os.getpid()}-{nth}.log"
    with log.open("w") as output:
        process = subprocess.Popen(
            [meltano_executable(), "run", *STEPS],
            cwd=REPO_ROOT,
            env=environment,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    seen: list[str] = []
    committed: list[Any] = []
    killed = False
    try:
        with psycopg.connect(database_url, autocommit=True) as connection:
            while process.poll() is None and time.monotonic() - started < timeout:
                state = _committed_state(connection)
                bookmarks = tasks_bookmarks(state)
                if bookmarks and json.dumps(state, sort_keys=True) not in seen:
                    seen.append(json.dumps(state, sort_keys=True))
                    if len(seen) == nth:
                        pid = target_pid(process.pid)
                        if whole_run:
                            os.killpg(process.pid, signal.SIGKILL)
                            killed, committed = True, bookmarks
                            break
                        if pid is not None:
                            os.kill(pid, signal.SIGKILL)
                            killed, committed = True, bookmarks
                            break
                time.sleep(0.05)
        returncode = process.wait(timeout=120)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    return CrashedRun(killed, returncode, time.monotonic() - started, committed, log.read_text())


def rerun(environment: dict[str, str], timeout: float = 300) -> subprocess.CompletedProcess[str]:
    """The incremental run after the crash (``--force``: the killed run still holds the lock)."""
    return subprocess.run(
        [meltano_executable(), "run", "--force", *STEPS],
        cwd=REPO_ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
