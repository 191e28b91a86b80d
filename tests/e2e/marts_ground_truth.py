"""The time-tracking, task and member marts computed independently from sandbox exports.

Each ``expected_*`` function turns the sandbox's canonical export (data-contracts §3) into the rows
a mart must hold, keyed like the mart; each ``landed_*`` reads the mart into the same shape.
Status stints and daily snapshots depend on what the pipeline could observe, so they take every
export taken right after a pipeline run, oldest first.
"""

from __future__ import annotations

import csv
import hashlib
import os
from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import psycopg

from tests.e2e.ground_truth import number

SEED_FILE = Path(__file__).resolve().parents[2] / "transform" / "seeds" / "member_employee_ids.csv"
INVERSE = {
    "waiting_on": "blocking",
    "blocking": "waiting_on",
    "linked": "linked",
    "parent": "subtask",
    "subtask": "parent",
}
TYPES = {
    "waiting_on": "dependency",
    "blocking": "dependency",
    "linked": "link",
    "parent": "hierarchy",
    "subtask": "hierarchy",
    "custom_field": "custom_field",
}
ROLES = {1: "owner", 2: "admin", 3: "member", 4: "guest"}


def rows(database_url: str, query: str) -> list[dict[str, Any]]:
    with psycopg.connect(database_url) as connection, connection.cursor() as cursor:
        cursor.execute(query)
        names = [c.name for c in cursor.description or []]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def utc(ms: int | None) -> datetime | None:
    return None if ms is None else datetime.fromtimestamp(ms / 1000, tz=UTC)


def local(ms: int | None, zone: ZoneInfo) -> datetime | None:
    """Wall-clock time in the zone, without a zone (like `at time zone` in PostgreSQL)."""
    moment = utc(ms)
    return None if moment is None else moment.astimezone(zone).replace(tzinfo=None)


def rounded(value: Decimal, places: int) -> Decimal:
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def email_hash(email: str | None) -> str | None:
    """The pseudonym of an e-mail: sha256(salt || lower(trim(email))), the salt the tests set."""
    if not email:
        return None
    salt = os.environ["CLICKUP_EMAIL_HASH_SALT"]
    return hashlib.sha256((salt + email.strip().lower()).encode()).hexdigest()


def live_tasks(export: dict[str, Any]) -> dict[str, dict[str, Any]]:
    deleted = set(export["deleted"]["tasks"])
    return {task["id"]: task for task in export["tasks"] if task["id"] not in deleted}


# ----- time tracking -----------------------------------------------------------------------------


def entry_location(
    tasks: dict[str, dict[str, Any]], entry: dict[str, Any]
) -> tuple[str | None, str | None]:
    """(list_id, folder_id) of an entry: its task's (a folderless list has no folder)."""
    if "location" in entry:  # fixed by lookback_truth: the export the run saw it in
        return entry["location"]
    task = tasks.get(entry["task_id"] or "")
    return (task["list_id"], task["folder_id"]) if task else (None, None)


def member_emails(export: dict[str, Any]) -> dict[tuple[str, int], str]:
    """(team_id, user_id) -> e-mail of every member, those who left included."""
    members = [*export.get("former_members", []), *export["members"]]
    return {(m["team_id"], m["user_id"]): m["email"] for m in members}


def expected_time_entries(export: dict[str, Any], zone: ZoneInfo) -> dict[str, tuple]:
    emails = member_emails(export)
    tasks = live_tasks(export)
    deleted = set(export["deleted"]["time_entries"])
    expected = {}
    for entry in export["time_entries"]:
        if entry["id"] in deleted:
            continue
        duration = entry["duration_ms"]
        list_id, folder_id = entry_location(tasks, entry)
        expected[entry["id"]] = (
            entry["team_id"],
            entry["user_id"],
            email_hash(emails.get((entry["team_id"], entry["user_id"]))),
            entry["task_id"],
            list_id,
            folder_id,
            utc(entry["start_ms"]),
            utc(entry["end_ms"]),
            local(entry["start_ms"], zone),
            local(entry["end_ms"], zone),
            local(entry["start_ms"], zone).date(),  # type: ignore[union-attr]
            duration,
            None if duration is None else rounded(Decimal(duration) / 3_600_000, 6),
            entry["is_running"],
            entry["billable"],
            entry["description"] or None,
            entry["tags"],
        )
    return expected


def landed_time_entries(database_url: str) -> dict[str, tuple]:
    found = rows(database_url, "select * from clickup_analytics.fct_time_entries")
    return {
        r["time_entry_id"]: (
            r["team_id"],
            r["user_id"],
            r["user_email_hash"],
            r["task_id"],
            r["list_id"] if r["task_id"] else None,
            r["folder_id"] if r["task_id"] else None,
            r["started_at_utc"],
            r["ended_at_utc"],
            r["started_at_local"],
            r["ended_at_local"],
            r["local_date"],
            r["duration_ms"],
            r["duration_hours"],
            r["is_running"],
            r["is_billable"],
            r["description"] or None,
            r["tags"],
        )
        for r in found
    }


def expected_task_sessions(export: dict[str, Any]) -> dict[str, tuple]:
    deleted = set(export["deleted"]["time_entries"])
    by_task: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for entry in export["time_entries"]:
        if entry["task_id"] and entry["id"] not in deleted:
            by_task[entry["task_id"]].append(entry)
    expected = {}
    for task_id, entries in by_task.items():
        entries.sort(key=lambda e: (e["start_ms"], e["id"]), reverse=True)
        tracked = sum(e["duration_ms"] or 0 for e in entries)
        expected[task_id] = (
            entries[0]["team_id"],
            len(entries),
            sum(1 for e in entries if e["is_running"]),
            [e["id"] for e in entries],
            [e["user_id"] for e in entries],
            [utc(e["start_ms"]) for e in entries],
            [utc(e["end_ms"]) for e in entries],
            [e["duration_ms"] for e in entries],
            tracked,
            rounded(Decimal(tracked) / 60_000, 2),
        )
    return expected


def landed_task_sessions(database_url: str) -> dict[str, tuple]:
    found = rows(database_url, "select * from clickup_analytics.fct_task_time_sessions")
    return {
        r["task_id"]: (
            r["team_id"],
            r["session_count"],
            r["running_session_count"],
            r["time_entry_ids"],
            r["user_ids"],
            r["session_starts_utc"],
            r["session_ends_utc"],
            r["session_durations_ms"],
            r["tracked_ms"],
            r["tracked_minutes"],
        )
        for r in found
    }


def expected_daily_time(export: dict[str, Any], zone: ZoneInfo) -> dict[tuple, tuple]:
    deleted = set(export["deleted"]["time_entries"])
    days: dict[tuple, list[dict[str, Any]]] = defaultdict(list)
    for entry in export["time_entries"]:
        if entry["id"] not in deleted:
            day = local(entry["start_ms"], zone).date()  # type: ignore[union-attr]
            days[(entry["team_id"], entry["user_id"], day)].append(entry)
    expected = {}
    for key, entries in days.items():
        tracked = sum(e["duration_ms"] or 0 for e in entries)
        running = [e["start_ms"] for e in entries if e["is_running"]]
        expected[key] = (
            len(entries),
            len(running),
            len({e["task_id"] for e in entries if e["task_id"]}),
            tracked,
            rounded(Decimal(tracked) / 3_600_000, 6),
            sum(e["duration_ms"] or 0 for e in entries if e["billable"]),
            utc(min(running)) if running else None,
        )
    return expected


def landed_daily_time(database_url: str) -> dict[tuple, tuple]:
    found = rows(database_url, "select * from clickup_analytics.fct_daily_time_by_member")
    return {
        (r["team_id"], r["user_id"], r["local_date"]): (
            r["entry_count"],
            r["running_entry_count"],
            r["task_count"],
            r["tracked_ms"],
            r["tracked_hours"],
            r["billable_ms"],
            r["running_since_utc"],
        )
        for r in found
    }


# ----- tasks -------------------------------------------------------------------------------------


def expected_relationships(export: dict[str, Any]) -> dict[tuple, tuple]:
    """(task, related, kind, field) -> (inverse, type, created_at, created_by, dependency_type)."""
    tasks = live_tasks(export)
    relationship_fields = {f["id"] for f in export["custom_fields"] if f["type"] == "tasks"}
    expected: dict[tuple, tuple] = {}

    def add(
        task: str, related: str, kind: str, field: str | None = None, entry: Any = None
    ) -> None:
        entry = entry or {}
        expected[(task, related, kind, field)] = (
            INVERSE.get(kind),
            TYPES[kind],
            utc(entry.get("date_created_ms")),
            entry.get("user_id"),
            entry.get("type"),
        )

    for task_id, task in tasks.items():
        for dependency in task["dependencies"]:
            if dependency["task_id"] == task_id:
                add(task_id, dependency["depends_on"], "waiting_on", entry=dependency)
            elif dependency["depends_on"] == task_id:
                add(task_id, dependency["task_id"], "blocking", entry=dependency)
        for link in task["linked_tasks"]:
            add(task_id, link["link_id"], "linked", entry=link)
        if task["parent"]:
            add(task_id, task["parent"], "parent")
            add(task["parent"], task_id, "subtask")
        for field_id, value in task["custom_field_values"].items():
            if field_id in relationship_fields:
                for related in value:
                    add(task_id, str(related), "custom_field", field_id)
    return expected


def landed_relationships(database_url: str) -> dict[tuple, tuple]:
    found = rows(database_url, "select * from clickup_analytics.fct_task_relationships")
    return {
        (r["task_id"], r["related_task_id"], r["kind"], r["field_id"]): (
            r["inverse_kind"],
            r["relationship_type"],
            r["created_at"],
            r["created_by_user_id"],
            r["dependency_type"],
        )
        for r in found
    }


def expected_status_stints(exports: list[dict[str, Any]]) -> dict[tuple, tuple]:
    """(task, status, entered_at) -> (stint_number, left_at, is_current, final total minutes).

    Every stint start any of the exports reveals (a status's first entry, the current stint's
    start), as the pipeline saw them at each run; the total minutes only for statuses that are
    not current (they are final).
    """
    latest = exports[-1]
    enabled = {w["id"] for w in latest["workspaces"] if w["time_in_status_enabled"]}
    starts: dict[str, set[tuple[int, str]]] = defaultdict(set)
    for export in exports:
        for task_id, task in live_tasks(export).items():
            if task["team_id"] not in enabled:
                continue
            for status in task["time_in_status"]:
                starts[task_id].add((status["since_ms"], status["status"]))
                if status["is_current"]:
                    starts[task_id].add((status["current_since_ms"], status["status"]))
    totals = {
        (task_id, s["status"]): None if s["is_current"] else s["total_minutes"]
        for task_id, task in live_tasks(latest).items()
        for s in task["time_in_status"]
    }
    expected = {}
    for task_id, task_starts in starts.items():
        ordered = sorted(task_starts)
        for number_, (entered, status) in enumerate(ordered, start=1):
            left = ordered[number_][0] if number_ < len(ordered) else None
            expected[(task_id, status, utc(entered))] = (
                number_,
                utc(left),
                left is None,
                totals[(task_id, status)],
            )
    return expected


def landed_status_stints(database_url: str) -> dict[tuple, tuple]:
    found = rows(database_url, "select * from clickup_analytics.fct_task_status_history")
    current = {(r["task_id"], r["status"]) for r in found if r["is_current"]}
    return {
        (r["task_id"], r["status"], r["entered_at"]): (
            r["stint_number"],
            r["left_at"],
            r["is_current"],
            # the total of the current status grows: compared only for the others
            None if (r["task_id"], r["status"]) in current else r["total_minutes_in_status"],
        )
        for r in found
    }


def expected_assigned_comments(export: dict[str, Any]) -> dict[str, tuple]:
    tasks = live_tasks(export)
    return {
        c["id"]: (
            c["task_id"],
            c["team_id"],
            tasks[c["task_id"]]["list_id"],
            c["assignee_id"],
            c["assigned_by_id"],
            c["user_id"],
            c["text"],
            c["reply_count"],
            utc(c["date_ms"]),
        )
        for c in export["comments"]
        if c["assignee_id"] is not None and not c["resolved"] and c["task_id"] in tasks
    }


def landed_assigned_comments(database_url: str) -> dict[str, tuple]:
    found = rows(database_url, "select * from clickup_analytics.fct_assigned_comments")
    return {
        r["comment_id"]: (
            r["task_id"],
            r["team_id"],
            r["list_id"],
            r["assignee_user_id"],
            r["assigned_by_user_id"],
            r["author_user_id"],
            r["comment_text"],
            r["reply_count"],
            r["commented_at"],
        )
        for r in found
    }


def _snapshot_values(task: dict[str, Any]) -> tuple:
    return (
        task["list_id"],
        task["name"],
        task["status"],
        task["status_type"],
        task["status_type"] in ("closed", "done"),
        task["archived"],
        list(task["assignee_ids"]),
        task["priority"],
        number(task["points"]),
        task["time_estimate_ms"],
        task["parent"],
    )


def expected_daily_snapshots(
    exports: list[dict[str, Any]], zone: ZoneInfo, today: date
) -> dict[tuple, tuple]:
    """(task, day) -> the task's values at the end of that local day, from the versions the
    pipeline read at each run (one per export whose date_updated differs from the one before)."""
    versions: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for export in exports:
        for task_id, task in live_tasks(export).items():
            known = versions[task_id]
            if not known or known[-1]["date_updated_ms"] != task["date_updated_ms"]:
                known.append(task)
    expected = {}
    for task_id, known in versions.items():
        days = []
        effective = None
        for task in known:
            moment = max(task["date_updated_ms"], effective or task["date_updated_ms"])
            effective = moment
            days.append(local(moment, zone).date())  # type: ignore[union-attr]
        for k, task in enumerate(known):
            last = days[k + 1] - timedelta(days=1) if k + 1 < len(known) else today
            day = days[k]
            while day <= last:
                expected[(task_id, day)] = _snapshot_values(task)
                day += timedelta(days=1)
    return expected


def landed_daily_snapshots(database_url: str) -> dict[tuple, tuple]:
    found = rows(database_url, "select * from clickup_analytics.fct_daily_task_snapshots")
    return {
        (r["task_id"], r["snapshot_date"]): (
            r["list_id"],
            r["task_name"],
            r["status"],
            r["status_type"],
            r["is_closed"],
            r["is_archived"],
            r["assignee_ids"],
            r["priority"],
            number(r["points"]),
            r["time_estimate_ms"],
            r["parent_task_id"],
        )
        for r in found
    }


# ----- members -----------------------------------------------------------------------------------


def seed_employee_ids() -> dict[tuple[str, int], str]:
    """(team_id or '', user_id) -> employee_id, read from the seed CSV."""
    with SEED_FILE.open(newline="") as handle:
        return {
            (row["team_id"].strip(), int(row["user_id"])): row["employee_id"]
            for row in csv.DictReader(handle)
        }


def expected_members(export: dict[str, Any]) -> dict[tuple, tuple]:
    """Current members (active) and those who left (kept, inactive)."""
    mapping = seed_employee_ids()
    expected = {}
    for active, members in ((False, export.get("former_members", [])), (True, export["members"])):
        for member in members:
            key = (member["team_id"], member["user_id"])
            employee = mapping.get(key) or mapping.get(("", member["user_id"]))
            expected[key] = (
                employee,
                member["username"],
                email_hash(member["email"]),
                member["role"],
                ROLES[member["role"]],
                active,
            )
    return expected


def landed_members(database_url: str) -> dict[tuple, tuple]:
    found = rows(database_url, "select * from clickup_analytics.dim_members")
    return {
        (r["team_id"], r["user_id"]): (
            r["employee_id"],
            r["username"],
            r["user_email_hash"],
            r["role_code"],
            r["role_name"],
            r["is_active"],
        )
        for r in found
    }
