"""What a run with a time-entry lookback must get right: the sandbox's truth within the window.

A later run rescans time entries from `now - time_entries_lookback_days` (default 60) only; edits
and deletions of entries that started before that are seen by the next longer re-read (the weekly
reconciliation), not by this run. `as_seen_with_lookback` turns the export after the changes into
the export such a run must equal: the entries whose start is inside the run's scanned window as
the sandbox has them now (a deletion there is a deletion), the others as the earlier export had
them (each with the location it had then).
"""

from __future__ import annotations

import copy
from datetime import datetime
from typing import Any

import psycopg

from tests.e2e.marts_ground_truth import entry_location, live_tasks


def scanned_window_starts(database_url: str, since: datetime) -> dict[str, int]:
    """team_id -> start (ms) of the earliest window the scans made since `since` cover."""
    with psycopg.connect(database_url) as connection:
        found = connection.execute(
            """
            select team_id, min(window_start)
            from clickup_extras.time_entry_scans
            where scanned_at >= %s
            group by team_id
            """,
            (since,),
        ).fetchall()
    starts = {team_id: int(start.timestamp() * 1000) for team_id, start in found}
    assert starts, f"no time-entry scan since {since}"
    return starts


def _located(export: dict[str, Any], entry: dict[str, Any]) -> dict[str, Any]:
    tasks = live_tasks(export)
    return {**entry, "location": entry_location(tasks, entry)}


def as_seen_with_lookback(
    before: dict[str, Any], after: dict[str, Any], window_starts: dict[str, int]
) -> tuple[dict[str, Any], dict[str, int]]:
    """The export a run scanning from `window_starts` must equal after the changes from `before`
    (what the previous run saw in full) to `after`; and counts of what the window hides.

    An entry an edit moved from inside the window to before it is missing from the scan that
    covers its old start: downstream takes it as deleted until a longer re-read finds it again
    (it is expected absent here, and counted as `moved_out`)."""

    def inside(entry: dict[str, Any]) -> bool:
        return entry["start_ms"] >= window_starts[entry["team_id"]]

    now = {entry["id"]: entry for entry in after["time_entries"]}
    then = {entry["id"]: entry for entry in before["time_entries"]}
    entries: list[dict[str, Any]] = []
    deleted: list[str] = []
    counts = {"outside_unchanged": 0, "outside_changed": 0, "outside_deleted": 0, "moved_out": 0}
    for entry_id in now.keys() | then.keys():
        current, earlier = now.get(entry_id), then.get(entry_id)
        if current is not None and inside(current):
            entries.append(_located(after, current))
        elif earlier is None:
            raise AssertionError(f"entry {entry_id} appeared before the lookback window")
        elif inside(earlier):
            # deleted inside the window, or edited out of it (both: not listed by the scan)
            deleted.append(entry_id)
            counts["moved_out"] += current is not None
        else:
            entries.append(_located(before, earlier))
            if current is None:
                counts["outside_deleted"] += 1
            elif current == earlier:
                counts["outside_unchanged"] += 1
            else:
                counts["outside_changed"] += 1
    seen = copy.deepcopy(after)
    seen["time_entries"] = entries
    seen["deleted"]["time_entries"] = deleted
    return seen, counts
