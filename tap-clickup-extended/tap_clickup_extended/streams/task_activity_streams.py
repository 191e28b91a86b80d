"""What happened on the tasks this run emitted: time in each status, and comments.

All are children of ``tasks`` and read only the tasks of the batch they are handed, so an
incremental run asks only about changed tasks; ``comments`` also re-reads, after the walk, a
bounded number of unchanged tasks that hold open assigned comments (``comment_scans`` reports
every complete read).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

import requests
from singer_sdk.helpers.types import Context

from tap_clickup_extended import comment_recheck
from tap_clickup_extended.conversions import ms_to_iso, to_int
from tap_clickup_extended.errors import ClickUpFatalError
from tap_clickup_extended.fields.comment_scans import FIELDS as COMMENT_SCANS_FIELDS
from tap_clickup_extended.fields.comments import FIELDS as COMMENTS_FIELDS
from tap_clickup_extended.fields.task_status_history import FIELDS as TASK_STATUS_HISTORY_FIELDS
from tap_clickup_extended.pagination import CommentCursor, CommentPaginator
from tap_clickup_extended.streams.task_streams import AfterWalkStream, TaskPayloadStream

COMMENTS_PAGE_SIZE = 25
#: UNCONFIRMED (docs/data-contracts.md §1): ClickUp documents no error for a workspace without
#: the Total Time in Status ClickApp. A 400/403 whose ECODE starts with this prefix, or whose
#: message names the ClickApp, is read as that; any other 4xx stays fatal.
NO_TIME_IN_STATUS_ECODE_PREFIX = "TIS_"
NO_TIME_IN_STATUS_WORDS = ("time in status", "clickapp")


def _user_id(user: Any) -> int | None:
    return to_int(user.get("id")) if isinstance(user, dict) else None


class TaskStatusHistoryStream(TaskPayloadStream):
    """``GET /task/bulk_time_in_status/task_ids``: one request per batch of at most 100 tasks.

    One record per (task, status the task has been in). ``total_minutes`` grows while the
    status is current, so it is volatile (not hashed): a status's row changes only when it
    becomes or stops being current, and the row written then carries the minutes at that moment.
    """

    name = "task_status_history"
    path = "/task/bulk_time_in_status/task_ids"
    primary_keys = ("task_id", "status")
    tolerate_not_found = True
    schema = TASK_STATUS_HISTORY_FIELDS.schema()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        #: Workspaces whose bulk request said the ClickApp is off: not asked again this run.
        self._teams_without_clickapp: set[str] = set()
        self._clickapp_missing = False

    def get_url_params(self, context: Context | None, next_page_token: Any) -> dict[str, Any]:
        """``task_ids`` repeated once per task of the batch (requests encodes a list so)."""
        return {"task_ids": [task["task_id"] for task in self.changed_tasks(context)]}

    def get_records(self, context: Context | None) -> Iterable[dict]:
        """One bulk request for the batch, unless the workspace lacks the ClickApp."""
        team_id = str((context or {}).get("team_id"))
        if not self.changed_tasks(context) or team_id in self._teams_without_clickapp:
            return
        self._clickapp_missing = False
        for row in self.request_records(context):
            yield {**row, "team_id": team_id}
        if self._clickapp_missing:
            self._teams_without_clickapp.add(team_id)
            self.logger.warning(
                "task_status_history: workspace %s does not have the Total Time in Status "
                "ClickApp enabled; no status history is read for it in this run.",
                team_id,
            )

    def validate_response(self, response: requests.Response) -> None:
        """A workspace without the ClickApp answers an error: remember it instead of failing."""
        try:
            super().validate_response(response)
        except ClickUpFatalError:
            if not self._says_clickapp_missing(response):
                raise
            self._clickapp_missing = True
            response.clickup_json = {}  # type: ignore[attr-defined]

    def _says_clickapp_missing(self, response: requests.Response) -> bool:
        if response.status_code not in {400, 403}:
            return False
        body = self._error_body(response)
        ecode = str(body.get("ECODE") or "")
        err = str(body.get("err") or "").lower()
        return ecode.startswith(NO_TIME_IN_STATUS_ECODE_PREFIX) or any(
            word in err for word in NO_TIME_IN_STATUS_WORDS
        )

    def parse_response(self, response: requests.Response) -> Iterable[dict]:
        """Rows of every task in the body (``{task_id: {current_status, status_history}}``)."""
        body = getattr(response, "clickup_json", None) or {}
        for task_id, times in body.items():
            if not isinstance(times, dict):
                continue
            current = times.get("current_status") or {}
            seen: set[str] = set()
            for entry in times.get("status_history") or []:
                status = entry.get("status") if isinstance(entry, dict) else None
                if status is None or status in seen:
                    continue
                seen.add(status)
                is_current = status == current.get("status")
                total = entry.get("total_time") or {}
                yield {
                    "task_id": str(task_id),
                    "status": status,
                    "orderindex": to_int(entry.get("orderindex")),
                    "type": entry.get("type"),
                    "color": entry.get("color"),
                    "since": ms_to_iso(total.get("since")),
                    "total_minutes": to_int(total.get("by_minute")),
                    "is_current": is_current,
                    "current_since": (
                        ms_to_iso((current.get("total_time") or {}).get("since"))
                        if is_current
                        else None
                    ),
                }


class CommentsStream(AfterWalkStream):
    """``GET /task/{id}/comment`` for each task of the batch, all pages, newest first.

    Not selected by default: it costs one request per changed task plus one per further 25
    comments. A task deleted mid-run answers 404: skipped and counted.

    A comment resolved, reassigned or deleted does not (as far as anyone knows) change its task,
    so the tasks that hold open assigned comments are kept in this stream's state
    (``open_assigned_tasks``: task id -> team and when its comments were last read) and, after
    the walk, up to ``comments_recheck_max_tasks`` of them not read in this run are read again,
    least recently read first (see ``comment_recheck``). Every complete read of a task's
    comments is reported to ``comment_scans`` (the ids it returned), so the comments a complete
    read no longer returns can be taken as deleted.
    """

    name = "comments"
    path = "/task/{task_id}/comment"
    produces = frozenset({"comment_scans"})
    consumes = frozenset({"task_batches", "is_selected"})
    records_key = "comments"
    primary_keys = ("id",)
    selected_by_default = False
    tolerate_not_found = True
    schema = COMMENTS_FIELDS.schema()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        #: Tasks whose comments were read in this run (the re-check skips them).
        self._read_this_run: set[str] = set()

    def get_new_paginator(self) -> CommentPaginator:
        """Newest first, 25 a page; older pages below the last comment."""
        return CommentPaginator(COMMENTS_PAGE_SIZE)

    def get_url_params(self, context: Context | None, next_page_token: Any) -> dict[str, Any]:
        """``start`` and ``start_id`` of the previous page's last comment."""
        if isinstance(next_page_token, CommentCursor):
            return {"start": next_page_token.date, "start_id": next_page_token.id}
        return {}

    def get_records(self, context: Context | None) -> Iterable[dict]:
        """Every comment of every changed task of the batch; after the walk, the re-checks."""
        if self.is_after_walk(context):
            tasks = self._tasks_to_recheck()
        else:
            tasks = [
                {"task_id": task["task_id"], "team_id": task["team_id"]}
                for task in self.changed_tasks(context)
            ]
        for task in tasks:
            yield from self._read_task(task)

    def _tasks_to_recheck(self) -> list[dict[str, Any]]:
        """Tasks holding open assigned comments not read in this run, up to the setting."""
        tracked = comment_recheck.tracked_tasks(self.stream_state)
        due = comment_recheck.due_tasks(
            tracked,
            skip=self._read_this_run,
            limit=int(self.config.get("comments_recheck_max_tasks", 0)),
        )
        self.logger.info(
            "comments: re-reading the comments of %d of %d task(s) holding open assigned "
            "comments that did not change in this run",
            len(due),
            len(tracked) - len(self._read_this_run & tracked.keys()),
        )
        return due

    def _read_task(self, task: dict[str, Any]) -> Iterable[dict]:
        """All pages of one task's comments; a complete read is remembered for the scans."""
        request = {"task_id": task["task_id"], "team_id": task["team_id"]}
        self._read_this_run.add(task["task_id"])
        vanished_before = self.stats.skipped_not_found
        rows: list[dict] = []
        for row in self.request_records(request):
            rows.append(row)
            yield {**row, **request}
        tracked = comment_recheck.tracked_tasks(self.stream_state)
        if self.stats.skipped_not_found != vanished_before:
            # 404: the task is gone, which is no statement about its comments.
            tracked.pop(task["task_id"], None)
        else:
            scanned_at = datetime.now(UTC).isoformat()
            if self.shared.selected("comment_scans"):
                ids = [str(r["id"]) for r in rows]
                self.shared.comment_scans.append(
                    {**request, "scanned_at": scanned_at, "comment_ids": ids}
                )
            comment_recheck.note_read(tracked, request, rows, scanned_at)
        comment_recheck.save_tracked(self.stream_state, tracked)

    def transform_record(self, row: dict, context: Context | None) -> dict | None:
        """Contract shape: people as user ids (no emails leave this stream).

        ``task_id`` and ``team_id`` are the task whose comments ``get_records`` read.
        """
        return {
            "id": str(row["id"]),
            "task_id": row.get("task_id"),
            "team_id": row.get("team_id"),
            "comment_text": row.get("comment_text"),
            "user_id": _user_id(row.get("user")),
            "date": ms_to_iso(row.get("date")),
            "resolved": row.get("resolved"),
            "assignee_id": _user_id(row.get("assignee")),
            "assigned_by_id": _user_id(row.get("assigned_by")),
            "reply_count": to_int(row.get("reply_count")),
        }


class CommentScansStream(AfterWalkStream):
    """One record per complete read of a task's comments: every comment id the API returned.

    Makes no requests: it emits what ``comments`` (synced just before it, with the same
    context) read completely (``RunState.comment_scans``). A read cut short (an error) or answered 404 is not a scan. The
    key is the task, so the current scan of a task is its latest complete read; a comment of
    the task that it does not list, read no later than it, is deleted (data-contracts §1).
    Not selected by default, like ``comments``; select both.
    """

    name = "comment_scans"
    primary_keys = ("task_id",)
    consumes = frozenset({"comment_scans"})
    selected_by_default = False
    schema = COMMENT_SCANS_FIELDS.schema()

    def get_records(self, context: Context | None) -> Iterable[dict]:
        """The complete reads ``comments`` made since this stream last synced."""
        scans = list(self.shared.comment_scans)
        self.shared.comment_scans.clear()
        for scan in scans:
            yield {**scan, "comment_count": len(scan["comment_ids"])}
