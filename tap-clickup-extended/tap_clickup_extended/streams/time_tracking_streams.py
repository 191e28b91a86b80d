"""Time entries, read in windows of at most 30 days, and one scan record per window.

``time_entry_scans`` makes the requests: for each window it asks for every assignee chunk,
lends the entries to its child ``time_entries`` (which therefore come first in the output)
and then emits the scan record listing every entry id the API returned for the window and
the member ids it asked for (``assignee_ids``); a later scan covering an entry's start that
asked for the entry's member and does not list it is how downstream detects a deletion (a
member who left the workspace is asked for no more, so a scan proves nothing about their
entries). Its bookmark (``scanned_at``, per workspace) tells later runs to rescan only the lookback.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

from singer_sdk.helpers.types import Context

from tap_clickup_extended.client import ClickUpStream
from tap_clickup_extended.conversions import (
    datetime_to_ms,
    id_str,
    iso_from_ms,
    ms_to_iso,
    to_int,
)
from tap_clickup_extended.fields.time_entries import FIELDS as TIME_ENTRIES_FIELDS
from tap_clickup_extended.fields.time_entry_scans import FIELDS as TIME_ENTRY_SCANS_FIELDS
from tap_clickup_extended.run_state import lend
from tap_clickup_extended.streams.workspace_streams import WorkspacesStream

WINDOW_MS = 30 * 24 * 60 * 60 * 1000


def windows(start_ms: int, now_ms: int) -> Iterator[tuple[int, int]]:
    """``(window_start, window_end)`` in ms covering ``start_ms`` to ``now_ms``, both included.

    As few windows as the API's 30-day limit allows (``ceil(span / 30 days)``, at least one):
    each is 30 days long, counted from ``start_ms``; the last one ends at ``now_ms``. Windows
    differ from run to run, so downstream detects deletions by containment (a later scan
    whose range holds an entry's start and does not list it), not by equal window keys.
    """
    count = max(1, -(-(now_ms - start_ms) // WINDOW_MS))
    for index in range(count):
        window_start = start_ms + index * WINDOW_MS
        last = index == count - 1
        yield window_start, now_ms if last else window_start + WINDOW_MS - 1


def chunks(items: list[int], size: int) -> Iterator[list[int]]:
    """``items`` in consecutive slices of at most ``size``."""
    for index in range(0, len(items), size):
        yield items[index : index + size]


class TimeEntryScansStream(ClickUpStream):
    """``GET /team/{team_id}/time_entries`` for every window and assignee chunk."""

    name = "time_entry_scans"
    parent_stream_type = WorkspacesStream
    produces = frozenset({"window_entries"})
    consumes = frozenset({"members_by_team"})
    path = "/team/{team_id}/time_entries"
    primary_keys = ("team_id", "window_start")
    replication_key = "scanned_at"
    is_sorted = False
    state_partitioning_keys = ["team_id"]
    emits_complete_snapshot = False
    records_key = "data"
    schema = TIME_ENTRY_SCANS_FIELDS.schema()

    def scan_start_ms(self, context: Context | None, now: datetime) -> int:
        """``start_date`` on the first run; ``now - time_entries_lookback_days`` after."""
        if self.stream_state_has_bookmark(context):
            days = int(self.config["time_entries_lookback_days"])
            return datetime_to_ms(now - timedelta(days=days))
        start = self.get_starting_timestamp(context) or self.clickup_tap.default_start_date
        return datetime_to_ms(start)

    def stream_state_has_bookmark(self, context: Context | None) -> bool:
        """Whether a previous run left a ``scanned_at`` bookmark for this workspace."""
        return bool(self.get_context_state(context).get("replication_key_value"))

    def get_url_params(self, context: Context | None, next_page_token: Any) -> dict[str, Any]:
        """Window, assignee chunk and location names."""
        params: dict[str, Any] = {
            "start_date": context["window_start_ms"],  # type: ignore[index]
            "end_date": context["window_end_ms"],  # type: ignore[index]
            "include_location_names": "true",
        }
        if context and context.get("assignee"):
            params["assignee"] = context["assignee"]
        return params

    def get_records(self, context: Context | None) -> Iterable[dict]:
        """One scan per window, after reading all of the window's assignee chunks."""
        base = dict(context or {})
        member_ids = sorted(
            uid
            for member in self.shared.members_by_team.get(str(base.get("team_id")), [])
            if (uid := to_int((member.get("user") or {}).get("id"))) is not None
        )
        size = int(self.config["time_entries_assignee_chunk_size"])
        assignee_chunks: list[str | None] = [
            ",".join(map(str, c)) for c in chunks(member_ids, size)
        ] or [None]
        now = datetime.now(UTC)
        now_ms = datetime_to_ms(now)
        request_base = {"team_id": base["team_id"]}
        for window_start, window_end in windows(self.scan_start_ms(context, now), now_ms):
            entries: dict[str, dict] = {}
            for assignee in assignee_chunks:
                request_context = {
                    **request_base,
                    "window_start_ms": window_start,
                    "window_end_ms": window_end,
                    "assignee": assignee,
                }
                for entry in self.request_records(request_context):
                    entries.setdefault(str(entry.get("id")), entry)
            window_key = (str(base["team_id"]), iso_from_ms(window_start))
            # kept for ``time_entries`` until the scan's children are out (``lend`` below)
            self.shared.window_entries[window_key] = list(entries.values())
            yield {
                "team_id": base["team_id"],
                "window_start": window_key[1],
                "window_end": iso_from_ms(window_end),
                "scanned_at": datetime.now(UTC).isoformat(timespec="microseconds"),
                "entry_ids": sorted(entries),
                "entry_count": len(entries),
                # without members the request names no assignee: the token's own entries only
                "assignee_ids": member_ids,
            }

    def generate_child_contexts(self, record: dict, context: Context | None) -> Iterable[dict]:
        """The window's entries are lent to ``time_entries`` (no further request)."""
        key = (str(record["team_id"]), str(record["window_start"]))
        entries = self.shared.window_entries.get(key, [])
        with lend(self.shared.window_entries, key, entries):
            yield {"team_id": record["team_id"], "window_start": key[1]}


class TimeEntriesStream(ClickUpStream):
    """Time entries of the windows scanned by ``time_entry_scans``."""

    name = "time_entries"
    parent_stream_type = TimeEntryScansStream
    consumes = frozenset({"window_entries", "folder_of_list"})
    primary_keys = ("id",)
    state_partitioning_keys: list[str] = []
    emits_complete_snapshot = False
    schema = TIME_ENTRIES_FIELDS.schema()

    def get_records(self, context: Context | None) -> Iterable[dict]:
        """The entries of one window, lent by the scan."""
        key = (str((context or {}).get("team_id")), str((context or {}).get("window_start")))
        yield from self.shared.window_entries.get(key, [])

    def transform_record(self, row: dict, context: Context | None) -> dict | None:
        """Contract shape; a negative duration is a running timer."""
        user = row.get("user") or {}
        raw_task = row.get("task")
        task = raw_task if isinstance(raw_task, dict) else {}
        location = row.get("task_location") or {}
        duration = to_int(row.get("duration"))
        is_running = duration is not None and duration < 0
        tags = [t.get("name") if isinstance(t, dict) else str(t) for t in row.get("tags") or []]
        return {
            "id": str(row["id"]),
            "team_id": id_str(row.get("wid")) or (context or {}).get("team_id"),
            "user_id": to_int(user.get("id")),
            "user_email": self.email(user.get("email")),
            "task_id": id_str(task.get("id")),
            "start": ms_to_iso(row.get("start")),
            "end": None if is_running else ms_to_iso(row.get("end")),
            "duration_ms": None if is_running else duration,
            "is_running": is_running,
            "billable": row.get("billable"),
            "description": row.get("description"),
            "tags": tags,
            "source": row.get("source"),
            "at": ms_to_iso(row.get("at")),
            "list_id": id_str(location.get("list_id")),
            "folder_id": self._folder_id(location),
            "space_id": id_str(location.get("space_id")),
        }

    def _folder_id(self, location: dict) -> str | None:
        """The entry's folder: from this run's lists when known, else ``task_location``'s.

        An entry on a folderless list carries the space's hidden system folder, which is no
        folder of the workspace (docs/clickup-api.md §6); the lists stream decides, as for
        tasks. A run without the lists stream keeps the payload's id (``fct_time_entries``
        applies the rule from the landed lists).
        """
        list_id = id_str(location.get("list_id"))
        known = self.shared.folder_of_list
        if list_id in known:
            return known[list_id]
        return id_str(location.get("folder_id"))
