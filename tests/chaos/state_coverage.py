"""Check a tap's Singer output: at every STATE, what each bookmark covers is already out.

A ``tasks`` partition bookmark ``B`` covers every task of that partition (workspace, archived or
not) whose ``date_updated`` is at most ``B``: a run resumed from that STATE skips older tasks and
reads the tasks at ``B`` again without their status history or comments. Each covered task's
records (expected_children.py) must all precede the STATE. A ``time_entry_scans`` bookmark of a
workspace covers the scans of that workspace emitted before it, and each scan's entries.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from tests.chaos.expected_children import TASK_STREAMS, expected_task_records, record_key


def iso_ms(value: str) -> int:
    """Milliseconds since the epoch of an ISO-8601 date-time."""
    return round(datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp() * 1000)


@dataclass
class Coverage:
    """What the check found over one run's messages."""

    states: int = 0
    states_with_task_bookmarks: int = 0
    #: STATE messages whose bookmarks cover a record not yet emitted.
    bad_states: int = 0
    #: stream -> keys missing at the first bad STATE.
    first_missing: Counter[str] = field(default_factory=Counter)
    first_bad_index: int | None = None
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.bad_states == 0


def _partition_bookmarks(state: dict[str, Any], stream: str) -> list[tuple[dict, Any]]:
    partitions = ((state.get("bookmarks") or {}).get(stream) or {}).get("partitions") or []
    return [
        (p.get("context") or {}, p["replication_key_value"])
        for p in partitions
        if p.get("replication_key_value")
    ]


def check_messages(
    messages: list[dict[str, Any]], export: dict[str, Any], *, comments: bool = True
) -> Coverage:
    """Walk the messages in order and check every STATE against what was emitted before it."""
    expected = expected_task_records(export, comments=comments)
    by_partition: dict[tuple[str, bool], list[tuple[int, str]]] = defaultdict(list)
    for task in export["tasks"]:
        if task["id"] in expected:
            key = (str(task["team_id"]), bool(task["archived"]))
            by_partition[key].append((task["date_updated_ms"], task["id"]))
    emitted: dict[str, set[tuple]] = {stream: set() for stream in TASK_STREAMS}
    entries: set[str] = set()
    scans: dict[str, list[dict[str, Any]]] = defaultdict(list)
    coverage = Coverage()
    for index, message in enumerate(messages):
        if message["type"] == "RECORD":
            stream, record = message["stream"], message["record"]
            if stream in emitted:
                emitted[stream].add(record_key(stream, record))
            elif stream == "time_entries":
                entries.add(record["id"])
            elif stream == "time_entry_scans":
                scans[record["team_id"]].append(record)
            continue
        if message["type"] != "STATE":
            continue
        coverage.states += 1
        state = message["value"]
        missing: Counter[str] = Counter()
        task_bookmarks = _partition_bookmarks(state, "tasks")
        coverage.states_with_task_bookmarks += bool(task_bookmarks)
        for context, value in task_bookmarks:
            bookmark_ms = iso_ms(str(value))
            partition = (str(context.get("team_id")), bool(context.get("archived")))
            for updated_ms, task_id in by_partition[partition]:
                if updated_ms > bookmark_ms:
                    continue
                for stream, keys in expected[task_id].items():
                    missing[stream] += len(keys - emitted[stream])
        for context, _ in _partition_bookmarks(state, "time_entry_scans"):
            for scan in scans[str(context.get("team_id"))]:
                missing["time_entries"] += len(set(scan["entry_ids"]) - entries)
        if sum(missing.values()):
            coverage.bad_states += 1
            if coverage.first_bad_index is None:
                coverage.first_bad_index = index + 1
                coverage.first_missing = missing
            if len(coverage.problems) < 5:
                coverage.problems.append(
                    f"STATE message #{index + 1} covers records not emitted before it: "
                    + ", ".join(f"{stream} {n}" for stream, n in sorted(missing.items()) if n)
                )
    return coverage
