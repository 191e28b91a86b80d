"""Tasks (incremental on ``date_updated``) and what is derived from their payloads.

``custom_fields`` and ``task_custom_field_values`` are child streams of ``tasks``: the tasks
stream lends them its payloads (``RunState.task_batches``) in batches of up to
``CHILD_BATCH_SIZE`` tasks (one child sync per batch, not per task). ``custom_fields`` makes requests only after the walk, for lists no
task payload has ever shown (see ``CustomFieldsStream``).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import requests
from singer_sdk.helpers.types import Context

from tap_clickup_extended.client import ClickUpStream
from tap_clickup_extended.conversions import (
    datetime_to_ms,
    id_str,
    ms_to_iso,
    to_int,
    to_number,
)
from tap_clickup_extended.decoding.custom_field_values import decode_value, option_name
from tap_clickup_extended.errors import TaskOrderError
from tap_clickup_extended.fields.custom_fields import FIELDS as CUSTOM_FIELDS_FIELDS
from tap_clickup_extended.fields.task_custom_field_values import (
    FIELDS as TASK_CUSTOM_FIELD_VALUES_FIELDS,
)
from tap_clickup_extended.fields.tasks import FIELDS as TASKS_FIELDS
from tap_clickup_extended.pagination import (
    ARCHIVED_PASSES,
    KeysetToken,
    UpdatedKeysetPaginator,
)
from tap_clickup_extended.relationships import current_relationship_keys, task_relationships
from tap_clickup_extended.run_state import TaskPayload, lend

CHILD_BATCH_SIZE = 100
#: Custom key of the ``custom_fields`` stream state: lists whose fields were seen.
COVERED_LISTS_KEY = "covered_list_ids"
#: The context of a child's once-per-run sync after the tasks walk.
AFTER_WALK = "after_walk"
#: The child-context key naming the lent batch (``RunState.task_batches``).
BATCH_KEY = "task_batch"
PRIORITY_NAMES = {1: "urgent", 2: "high", 3: "normal", 4: "low"}


def _ids(people: Any) -> list[int]:
    return [uid for p in people or [] if (uid := to_int((p or {}).get("id"))) is not None]


def _priority(value: Any) -> str | None:
    if isinstance(value, dict):
        value = value.get("priority") or value.get("id")
    level = to_int(value)
    if level is not None:
        return PRIORITY_NAMES.get(level)
    return value if isinstance(value, str) else None


def _partition_key(context: Context | None) -> tuple[str, bool]:
    """``(team_id, archived)`` of a tasks partition."""
    return str((context or {}).get("team_id")), bool((context or {}).get("archived"))


class TasksStream(ClickUpStream):
    """``GET /team/{team_id}/task`` walked by ``date_updated``, one partition per archived pass.

    Subtasks and closed tasks are included; archived tasks come only with ``archived=true``
    (docs/clickup-api.md §3), so each workspace has two partitions, each with its own bookmark. The
    walk is a keyset walk over ``order_by=updated`` (see ``UpdatedKeysetPaginator``), so the
    stream is sorted and its bookmark advances as it goes: an interrupted sync resumes from
    the last state the target committed, and a task changed mid-sync is read again at the end.
    """

    name = "tasks"
    path = "/team/{team_id}/task"
    produces = frozenset({"task_batches"})
    consumes = frozenset({"synced_team_ids", "read_team_ids", "folder_of_list"})
    primary_keys = ("id",)
    replication_key = "date_updated"
    is_sorted = True
    # No state_partitioning_keys: the partition context {team_id, archived} is the state key,
    # and singer-sdk treats a stream as sorted (resumable) only then.
    emits_complete_snapshot = False
    records_key = "tasks"
    page_size = 100
    schema = TASKS_FIELDS.schema()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        #: ``(id, date_updated)`` already emitted: the cursor task comes back on every page.
        self._seen_versions: set[tuple[str, Any]] = set()
        self._flush_after_id: str | None = None
        self._flushed_at_id: str | None = None
        #: Bookmark values of emitted tasks whose batch's children are not all out yet, oldest
        #: first, each with its partition context (see ``_increment_stream_state``).
        self._unsettled: list[tuple[dict[str, Any], Context | None]] = []
        #: ``date_updated`` (ISO) of the task the walk holds back after the one being
        #: processed; ``None`` when that one is the partition's last.
        self._next_updated: str | None = None
        self._pending_tasks: list[TaskPayload] = []
        self._partitions: list[dict] | None = None
        self._paginator: UpdatedKeysetPaginator | None = None
        self._walk_context: Context | None = None
        #: The partition's bookmark (ms) when its walk began; tasks not newer are re-reads.
        self._partition_since_ms = 0
        #: ``reverse=true`` gives oldest first as far as anyone knows (docs/clickup-api.md §3); the
        #: first page tells, and the walk flips the flag if ClickUp answers newest first.
        self._reverse = True
        self._order_flipped = False
        #: Where each partition's walk of this run began (ms; 0: from nothing), by partition.
        self._walk_starts: dict[tuple[str, bool], int] = {}

    @property
    def partitions(self) -> list[dict] | None:
        """``{team_id, archived}`` for every synced workspace, non-archived pass first."""
        if self._partitions is None:
            team_ids = self.shared.synced_team_ids
            if team_ids is None:
                # The workspaces stream did not run (deselected with all its children).
                read = self.shared.read_team_ids
                if read is None:
                    raise RuntimeError("the tap wires RunState.read_team_ids before a sync")
                team_ids = read()
            self._partitions = [
                {"team_id": team_id, "archived": archived}
                for team_id in team_ids
                for archived in ARCHIVED_PASSES
            ]
        return self._partitions

    @property
    def is_complete_snapshot(self) -> bool:
        """Whether this run reads every task of its workspaces: only then may it prove deletions.

        The stream is incremental, and a run from a bookmark (or from ``start_date``) sees only
        the tasks changed since, which proves nothing about the others. A run whose every
        partition starts from nothing (the weekly reconciliation, ``--full-refresh``, no
        ``start_date``) walks both archived passes of every synced workspace in full, so a task
        it does not return is gone (docs/clickup-api.md §10). Its records then carry the run's
        table version and, once the whole sync has succeeded, ``finish_snapshot`` sends
        ACTIVATE_VERSION: the target marks the workspace's tasks missing from it deleted
        (target-extras ``version_deletes.py``, scoped to the workspaces the run read).
        """
        # the partitions this run walked (none yet before it: asking for them would call the API)
        partitions = self._partitions or []
        starts = self._walk_starts
        return bool(partitions) and all(starts.get(_partition_key(p)) == 0 for p in partitions)

    def carries_run_version(self) -> bool:
        """A record read by a walk from nothing carries the run's table version."""
        return self._partition_since_ms == 0 or self.is_complete_snapshot

    def finish_snapshot(self) -> None:
        """ACTIVATE_VERSION after a complete scan; otherwise say why no deletion was proven."""
        if not self.selected:
            return
        if self.is_complete_snapshot:
            self.logger.info(
                "tasks: every task of %d workspace(s) was read (a complete scan); tasks no "
                "longer listed will be marked deleted.",
                len({p["team_id"] for p in self.partitions or []}),
            )
            super().finish_snapshot()
        else:
            self.logger.info(
                "tasks: incremental run (from a bookmark or start_date); it proves no deletion. "
                "The full-refresh reconciliation (job clickup-reconcile) does."
            )

    def updated_since_ms(self, context: Context | None) -> int:
        """The bookmark (or ``start_date``; on a first run without it, all tasks) in ms."""
        start = self.get_starting_timestamp(context)
        return datetime_to_ms(start) if start else 0

    def request_records(self, context: Context | None) -> Iterable[dict]:
        """Remember the partition and its bookmark: singer-sdk builds the paginator without it."""
        self._walk_context = context
        self._partition_since_ms = self.updated_since_ms(context)
        self._walk_starts[_partition_key(context)] = self._partition_since_ms
        yield from super().request_records(context)

    def get_new_paginator(self) -> UpdatedKeysetPaginator:
        """A keyset walk starting 1 ms before the bookmark (the bookmark task comes back)."""
        cursor = max(0, self.updated_since_ms(self._walk_context) - 1)
        self._paginator = UpdatedKeysetPaginator(
            KeysetToken(cursor, 0, self._reverse), self.page_size or 100
        )
        return self._paginator

    def get_url_params(self, context: Context | None, next_page_token: Any) -> dict[str, Any]:
        """Filters of docs/clickup-api.md §3 and the keyset cursor."""
        token: KeysetToken = next_page_token or self._paginator.current_value  # type: ignore[union-attr]
        return {
            "archived": "true" if (context or {}).get("archived") else "false",
            "page": token.page,
            "subtasks": "true",
            "include_closed": "true",
            "order_by": "updated",
            "reverse": "true" if token.reverse else "false",
            "date_updated_gt": token.cursor_ms,
        }

    def parse_response(self, response: requests.Response) -> Iterable[dict]:
        """The page's tasks, after checking they come oldest first (see the class doc)."""
        rows = list(super().parse_response(response))
        dates = [to_int(row.get("date_updated")) or 0 for row in rows]
        paginator = self._paginator
        if len(set(dates)) > 1 and dates != sorted(dates):
            if dates == sorted(dates, reverse=True) and not self._order_flipped and paginator:
                self._order_flipped = True
                self._reverse = not self._reverse
                paginator.flip_order = True
                self.logger.info(
                    "tasks: ClickUp returned newest first; reading again with reverse=%s",
                    str(self._reverse).lower(),
                )
                return
            raise TaskOrderError(
                "ClickUp returned tasks out of date_updated order for order_by=updated, so "
                "they cannot be read without gaps; please report this with the tap's version."
            )
        if paginator is not None:
            paginator.page_dates = dates
        yield from rows

    def get_records(self, context: Context | None) -> Iterable[dict]:
        """Tasks without repeats of the same version; marks the partition's last one."""
        previous: dict | None = None
        # The walk starts 1 ms early; what is older than the bookmark went out before.
        since_ms = self.updated_since_ms(context)
        for row in super().get_records(context):
            version = (str(row.get("id")), to_int(row.get("date_updated")))
            if version in self._seen_versions or (version[1] or 0) < since_ms:
                continue
            self._seen_versions.add(version)
            if previous is not None:
                self._next_updated = ms_to_iso(row.get("date_updated"))
                yield previous
            previous = row
        if previous is not None:
            self._flush_after_id = str(previous.get("id"))
            self._next_updated = None
            yield previous
        partitions = self.partitions
        if context == (partitions[-1] if partitions else None):
            self._after_walk()

    def _after_walk(self) -> None:
        """Let the child streams that work once per run (after every task) do so."""
        for child in self.child_streams:
            if isinstance(child, AfterWalkStream) and (
                child.selected or child.has_selected_descendents
            ):
                child.sync(context={"phase": AFTER_WALK})

    def _increment_stream_state(
        self, latest_record: dict, *, context: Context | None = None
    ) -> None:
        """Advance the bookmark only over tasks whose children are out; then emit STATE.

        (singer-sdk has no public hook for "the record went out, move the bookmark": this is the
        one private method the tap overrides, and it calls singer-sdk's own.)

        The children of a batch of tasks (custom-field values, relationships, status history,
        comments) are emitted while its last task is processed, after the batch's other tasks
        went out. Any STATE written in between (each child stream writes one after its sync)
        carries the tasks bookmark, so the bookmark must not move over a task of the batch
        before that: the tasks' bookmark values wait in ``_unsettled`` and are applied when
        the batch's last task is processed, its children being out by then.

        A resumed run reads tasks at the bookmark's millisecond again but asks for the status
        history and comments of newer ones only (``changed``), so the bookmark is not moved to
        a millisecond that a task still to be processed shares: those values wait for the
        next batch. (singer-sdk's own STATE every 10,000 records never fires here.)
        """
        key = self.replication_key
        if not key:
            super()._increment_stream_state(latest_record, context=context)
            return
        self._unsettled.append(({key: latest_record.get(key)}, context))
        if self._flushed_at_id is None or latest_record.get("id") != self._flushed_at_id:
            return
        self._flushed_at_id = None
        settled = self._unsettled
        if self._next_updated is not None:
            while settled and settled[-1][0][key] == self._next_updated:
                settled = settled[:-1]
        self._unsettled = self._unsettled[len(settled) :]
        for value, task_context in settled:
            super()._increment_stream_state(value, context=task_context)
        self._write_state_message()

    def transform_record(self, row: dict, context: Context | None) -> dict | None:
        """Contract shape; the raw custom fields are queued for the child streams."""
        if isinstance(row.get("custom_fields"), dict):
            # One field as an object, not an array: ClickUp's own List-tasks example does this
            # (tests/ASSUMPTIONS.md, C1). Read it as a list of one rather than drop it.
            row["custom_fields"] = [row["custom_fields"]]
        status = row.get("status") or {}
        folder = row.get("folder") or {}
        record: dict[str, Any] = {
            "id": id_str(row.get("id")),
            "custom_id": row.get("custom_id"),
            "team_id": id_str(row.get("team_id")) or (context or {}).get("team_id"),
            "name": row.get("name"),
            "status": status.get("status"),
            "status_type": status.get("type"),
            "status_color": status.get("color"),
            "orderindex": id_str(row.get("orderindex")),
            "archived": bool(row.get("archived")),
            "parent": id_str(row.get("parent")),
            "top_level_parent": id_str(row.get("top_level_parent")),
            "list_id": id_str((row.get("list") or {}).get("id")),
            "folder_id": self._folder_id(row, folder),
            "space_id": id_str((row.get("space") or {}).get("id")),
            "creator_id": to_int((row.get("creator") or {}).get("id")),
            "assignee_ids": _ids(row.get("assignees")),
            "watcher_ids": _ids(row.get("watchers")),
            "tags": [tag.get("name") for tag in row.get("tags") or [] if isinstance(tag, dict)],
            "priority": _priority(row.get("priority")),
            "points": to_number(row.get("points")),
            "time_estimate_ms": to_int(row.get("time_estimate")),
            "time_spent_ms": to_int(row.get("time_spent")),
            "date_created": ms_to_iso(row.get("date_created")),
            "date_updated": ms_to_iso(row.get("date_updated")),
            "date_closed": ms_to_iso(row.get("date_closed")),
            "date_done": ms_to_iso(row.get("date_done")),
            "due_date": ms_to_iso(row.get("due_date")),
            "start_date": ms_to_iso(row.get("start_date")),
            "url": row.get("url"),
            "custom_field_ids": [
                str(field["id"])
                for field in row.get("custom_fields") or []
                if isinstance(field, dict) and field.get("id")
            ],
        }
        relationships = task_relationships(row, record["team_id"])
        record["relationship_keys"] = current_relationship_keys(record["id"], relationships)
        self._pending_tasks.append(
            {
                "task_id": record["id"],
                "team_id": record["team_id"],
                "date_updated": record["date_updated"],
                # False for the bookmark task that the inclusive filter returns again.
                "changed": (to_int(row.get("date_updated")) or 0) > self._partition_since_ms,
                "custom_fields": list(row.get("custom_fields") or []),
                "relationships": relationships,
                "raw": row,
            }
        )
        return record

    def _folder_id(self, row: dict, folder: dict) -> str | None:
        """The task's folder: from this run's lists when known, else from the payload stub.

        A folderless list's tasks carry the space's hidden system folder, which is no folder
        of the workspace; a real folder can be hidden too, so the lists stream decides.
        """
        list_id = id_str((row.get("list") or {}).get("id"))
        known = self.shared.folder_of_list
        if list_id in known:
            return known[list_id]
        return None if folder.get("hidden") else id_str(folder.get("id"))

    def generate_child_contexts(self, record: dict, context: Context | None) -> Iterable[dict]:
        """One child context per batch of tasks (and one for the last, partial batch).

        The batch, with each task's raw payload (``raw``), is lent to the derived streams.
        """
        is_last = record["id"] == self._flush_after_id
        if self._pending_tasks and (len(self._pending_tasks) >= CHILD_BATCH_SIZE or is_last):
            batch, self._pending_tasks = self._pending_tasks, []
            self._flushed_at_id = record["id"]
            key = f"tasks:{batch[0]['task_id']}"
            with lend(self.shared.task_batches, key, batch):
                yield {"team_id": record["team_id"], BATCH_KEY: key}


class TaskPayloadStream(ClickUpStream):
    """A child of ``tasks`` fed with batches of task payloads (no HTTP unless it says so)."""

    parent_stream_type = TasksStream
    state_partitioning_keys: list[str] = []
    emits_complete_snapshot = False
    consumes = frozenset({"task_batches"})

    def batch(self, context: Context | None) -> list[TaskPayload]:
        """The batch of tasks the parent lent with ``context`` (empty if none)."""
        key = (context or {}).get(BATCH_KEY)
        return list(self.shared.task_batches.get(key, [])) if key else []

    def changed_tasks(self, context: Context | None) -> list[TaskPayload]:
        """The batch without the bookmark task read again (its version was read before)."""
        return [task for task in self.batch(context) if task["changed"]]

    def task_fields(self, context: Context | None) -> Iterable[tuple[TaskPayload, dict]]:
        """``(task, custom-field entry)`` for every entry of every task of the batch."""
        for task in self.batch(context):
            for field in task["custom_fields"]:
                if isinstance(field, dict) and field.get("id"):
                    yield task, field


class AfterWalkStream(TaskPayloadStream):
    """A child of ``tasks`` that also syncs once after the whole walk (``phase: after_walk``)."""

    @staticmethod
    def is_after_walk(context: Context | None) -> bool:
        """Whether ``context`` is the once-per-run sync after the walk."""
        return (context or {}).get("phase") == AFTER_WALK


class CustomFieldsStream(AfterWalkStream):
    """Field definitions seen on this run's tasks, each emitted once per run.

    Task payloads show every field of their list, so a list none of whose tasks has ever
    been read (an empty list, say) is the only place fields can hide. The ids of the lists
    whose fields were seen are kept in this stream's state (``covered_list_ids``); after the
    walk, ``GET /list/{id}/field`` is read once for each list of this run's ``lists`` sync
    that is not covered yet, and the list becomes covered.
    """

    name = "custom_fields"
    path = "/list/{list_id}/field"
    consumes = frozenset({"task_batches", "list_teams", "is_selected"})
    records_key = "fields"
    tolerate_not_found = True
    primary_keys = ("id",)
    schema = CUSTOM_FIELDS_FIELDS.schema()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._emitted: set[str] = set()

    def get_records(self, context: Context | None) -> Iterable[dict]:
        """Definitions not yet emitted in this run: from payloads, then uncovered lists."""
        if self.is_after_walk(context):
            yield from self._uncovered_list_fields()
            return
        covered = self._covered_list_ids()
        covered.update(
            list_id
            for task in self.batch(context)
            if (list_id := id_str((task["raw"].get("list") or {}).get("id")))
        )
        self._save_covered(covered)
        for task, field in self.task_fields(context):
            if field["id"] not in self._emitted:
                self._emitted.add(field["id"])
                yield {**field, "team_id": task["team_id"]}

    def _covered_list_ids(self) -> set[str]:
        return set(self.stream_state.get(COVERED_LISTS_KEY) or [])

    def _save_covered(self, covered: set[str]) -> None:
        self.stream_state[COVERED_LISTS_KEY] = sorted(covered)

    def _uncovered_list_fields(self) -> Iterable[dict]:
        """``GET /list/{id}/field`` for each list of this run no task payload has covered."""
        if not self.shared.selected("lists"):
            self.logger.info(
                "custom_fields: the lists stream is not selected, so fields of lists without "
                "tasks are not read (select lists to read them)."
            )
            return
        covered = self._covered_list_ids()
        uncovered = {k: v for k, v in self.shared.list_teams.items() if k not in covered}
        self.logger.info(
            "custom_fields: %d list(s) never seen on a task; reading their fields", len(uncovered)
        )
        for list_id, team_id in uncovered.items():
            for field in self.request_records({"list_id": list_id}):
                if field.get("id") and field["id"] not in self._emitted:
                    self._emitted.add(field["id"])
                    yield {**field, "team_id": team_id}
            covered.add(list_id)
            self._save_covered(covered)

    def transform_record(self, row: dict, context: Context | None) -> dict | None:
        """Contract shape; options come from ``type_config`` (labels' ``label`` as name)."""
        type_config = row.get("type_config") or {}
        options = [
            {
                "id": id_str(option.get("id")),
                "name": option_name(option),
                "color": option.get("color"),
                "orderindex": to_int(option.get("orderindex")),
            }
            for option in type_config.get("options") or []
            if isinstance(option, dict)
        ]
        return {
            "id": str(row["id"]),
            "team_id": row.get("team_id"),
            "name": row.get("name"),
            "type": row.get("type"),
            "type_config": type_config,
            "options": options,
            "date_created": ms_to_iso(row.get("date_created")),
            "hide_from_guests": row.get("hide_from_guests"),
            "required": row.get("required"),
        }


class TaskCustomFieldValuesStream(TaskPayloadStream):
    """One record per custom field present on a task payload, set or not."""

    name = "task_custom_field_values"
    primary_keys = ("task_id", "field_id")
    schema = TASK_CUSTOM_FIELD_VALUES_FIELDS.schema()

    def get_records(self, context: Context | None) -> Iterable[dict]:
        """Decoded values of every field entry of the batch's tasks."""
        for task, field in self.task_fields(context):
            yield {
                "task_id": task["task_id"],
                "field_id": str(field["id"]),
                "team_id": task["team_id"],
                "field_name": field.get("name"),
                "field_type": field.get("type"),
                **self._without_emails(field.get("type"), decode_value(field)),
                "task_date_updated": task["date_updated"],
            }

    def _without_emails(self, field_type: Any, columns: dict[str, Any]) -> dict[str, Any]:
        """Email values and the users' emails in ``value_json``, hashed when ``hash_pii``."""
        if not self.config.get("hash_pii") or not columns["has_value"]:
            return columns
        raw = columns["value_json"]
        if field_type == "email":
            columns["value_text"] = self.email(columns["value_text"])
            if isinstance(raw, dict) and "value" in raw:
                columns["value_json"] = {**raw, "value": self.email(raw["value"])}
            else:
                columns["value_json"] = self.email(raw)
        elif field_type == "users":
            people = raw if isinstance(raw, list) else [raw]
            hashed = [
                {**p, "email": self.email(p.get("email"))}
                if isinstance(p, dict) and "email" in p
                else p
                for p in people
            ]
            columns["value_json"] = hashed if isinstance(raw, list) else hashed[0]
        return columns
