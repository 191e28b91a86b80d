"""What the streams of one run share: ``RunState``, filled by producers and read by consumers.

The tap creates one ``RunState`` per run; every stream reaches it as ``self.shared`` (through
``ClickUpRun``, the few things a stream needs of its tap, so ``client.py`` does not import the
tap). No stream looks up another stream object. Each stream class declares the fields it
writes (``produces``) and reads (``consumes``); ``stream_order.py`` derives the order streams
run in from those declarations, and the tap's README draws them (§ Stream order).

Payloads that children need only while they sync (a batch of tasks, a window's time entries,
a workspace's members) are lent with ``lend``: the child context names the key, the payload
waits in the named field and is removed once the children are done.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, MutableMapping
from contextlib import contextmanager
from dataclasses import dataclass, field, fields
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol, TypedDict, TypeVar

if TYPE_CHECKING:
    from singer_sdk.helpers.types import Context

    from tap_clickup_extended.accounting import RunStats
    from tap_clickup_extended.rate_limit import RateLimiter

K = TypeVar("K")
V = TypeVar("V")


class TaskPayload(TypedDict):
    """One task of a batch the ``tasks`` stream lends to its children."""

    task_id: str | None
    team_id: str | None
    date_updated: str | None
    #: False for the bookmark task that the inclusive ``date_updated_gt`` returns again.
    changed: bool
    custom_fields: list[Any]
    relationships: list[dict[str, Any]]
    raw: dict[str, Any]


@dataclass
class RunState:
    """Cross-stream facts of one run; the comment of each field names its producer."""

    #: Workspaces the token can see (``workspaces``; error messages of every stream use it).
    visible_team_ids: set[str] = field(default_factory=set)
    #: Workspaces this run extracts (``workspaces``); ``None`` until ``GET /team`` was read.
    synced_team_ids: list[str] | None = None
    #: ``team id -> raw members`` of ``GET /team``, lent while the workspace's children sync.
    members_by_team: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    #: ``space id -> folder ids`` (``folders``), kept until ``lists`` takes them.
    folder_ids_by_space: dict[str, list[str]] = field(default_factory=dict)
    #: ``list id -> team id`` of every list this run emitted (``lists``).
    list_teams: dict[str, str | None] = field(default_factory=dict)
    #: ``list id -> folder id`` (``None``: folderless) of every list this run emitted (``lists``).
    folder_of_list: dict[str, str | None] = field(default_factory=dict)
    #: Batches of task payloads (``tasks``), lent while the batch's children sync.
    task_batches: dict[str, list[TaskPayload]] = field(default_factory=dict)
    #: Complete reads of a task's comments (``comments``), drained by ``comment_scans``.
    comment_scans: list[dict[str, Any]] = field(default_factory=list)
    #: ``(team id, window start) -> raw entries`` (``time_entry_scans``), lent to ``time_entries``.
    window_entries: dict[tuple[str, str], list[dict[str, Any]]] = field(default_factory=dict)
    #: Whether the stream of this name is selected now (wired by the tap).
    is_selected: Callable[[str], bool] | None = None
    #: Reads the synced workspace ids when ``workspaces`` does not run (wired by the tap).
    read_team_ids: Callable[[], list[str]] | None = None
    #: Reads a space's folder ids when ``folders`` does not run (wired by the tap).
    read_folder_ids: Callable[[Context], list[str]] | None = None

    def selected(self, stream_name: str) -> bool:
        """Whether the stream ``stream_name`` emits records in this run."""
        if self.is_selected is None:
            raise RuntimeError("the tap wires RunState.is_selected before a sync")
        return self.is_selected(stream_name)

    @classmethod
    def field_names(cls) -> frozenset[str]:
        """The names streams may declare in ``produces`` and ``consumes``."""
        return frozenset(f.name for f in fields(cls))


@contextmanager
def lend(slot: MutableMapping[K, V], key: K, payload: V) -> Iterator[K]:
    """Put ``payload`` in ``slot`` under ``key`` while the caller's children sync."""
    slot[key] = payload
    try:
        yield key
    finally:
        slot.pop(key, None)


class ClickUpRun(Protocol):
    """What a stream needs of the tap that runs it (the tap class satisfies it)."""

    run_state: RunState
    run_stats: RunStats
    rate_limiter: RateLimiter
    default_start_date: datetime

    @property
    def run_version(self) -> int:
        """The table version of this run's full-table snapshots."""
        ...
