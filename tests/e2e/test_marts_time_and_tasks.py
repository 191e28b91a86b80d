"""The time-tracking, task and member marts after a full run, sandbox changes and an incremental
run equal what the sandbox's exports say, value by value.

One real `meltano run tap target dbt:build` against the sandbox with the comments stream selected
and a time zone with DST and a half-hour offset (America/St_Johns); then time entries are added,
edited and deleted, tasks moved, closed and reassigned, statuses changed and dependencies and links
added and removed; then an incremental run. Every mart of models/marts/time_tracking, tasks
(but dim_tasks) and members is compared with tests/e2e/marts_ground_truth.py.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from orchestrate.pipeline import run_pipeline
from orchestrate.sandbox_runner import Sandbox
from tests.e2e import marts_ground_truth as truth
from tests.e2e.ground_truth import differences
from tests.e2e.incremental_parity import incremental_mismatches
from tests.e2e.lookback_truth import as_seen_with_lookback, scanned_window_starts

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(1500)]

TIME_ZONE = "America/St_Johns"
ZONE = ZoneInfo(TIME_ZONE)
OPT_IN_KINDS = ["change_status", "add_dependency", "remove_dependency", "add_link", "remove_link"]


@pytest.fixture()
def marts_env(pipeline_env: dict[str, str]) -> dict[str, str]:
    """The e2e pipeline environment plus the comments stream and a local time zone."""
    return {
        **pipeline_env,
        # meltano's <PLUGIN>__SELECT overrides the extractor's `select` (comments are off there).
        "TAP_CLICKUP_EXTENDED__SELECT": '["*.*"]',
        "CLICKUP_TIME_ZONE": TIME_ZONE,
    }


def check(name: str, expected: dict, landed: dict, minimum: int) -> None:
    problems = differences(expected, landed)
    assert not problems, f"{name} differs from the sandbox:\n" + "\n".join(problems)
    # a comparison of two empty sets proves nothing
    assert len(expected) >= minimum, f"{name}: only {len(expected)} expected rows"


def assert_marts_match(
    database_url: str, exports: list[dict[str, Any]], today: datetime
) -> dict[str, int]:
    export = exports[-1]
    checks = {
        "fct_time_entries": (
            truth.expected_time_entries(export, ZONE),
            truth.landed_time_entries(database_url),
            1000,
        ),
        "fct_task_time_sessions": (
            truth.expected_task_sessions(export),
            truth.landed_task_sessions(database_url),
            100,
        ),
        "fct_daily_time_by_member": (
            truth.expected_daily_time(export, ZONE),
            truth.landed_daily_time(database_url),
            500,
        ),
        "fct_task_relationships": (
            truth.expected_relationships(export),
            truth.landed_relationships(database_url),
            50,
        ),
        "fct_task_status_history": (
            truth.expected_status_stints(exports),
            truth.landed_status_stints(database_url),
            250,
        ),
        "fct_assigned_comments": (
            truth.expected_assigned_comments(export),
            truth.landed_assigned_comments(database_url),
            5,
        ),
        "fct_daily_task_snapshots": (
            truth.expected_daily_snapshots(exports, ZONE, today.astimezone(ZONE).date()),
            truth.landed_daily_snapshots(database_url),
            1000,
        ),
        "dim_members": (
            truth.expected_members(export),
            truth.landed_members(database_url),
            20,
        ),
    }
    for name, (expected, landed, minimum) in checks.items():
        check(name, expected, landed, minimum)
    return {name: len(expected) for name, (expected, _, _) in checks.items()}


def test_marts_equal_ground_truth_after_changes_and_incremental_run(
    sandbox: Sandbox, database_url: str, marts_env: dict[str, str], tmp_path: Path
) -> None:
    full = run_pipeline(marts_env, stream_output=False)
    assert full.returncode == 0, full.output[-6000:]
    exports = [sandbox.export()]
    assert_marts_match(database_url, exports, datetime.now().astimezone())

    applied = sandbox.mutate(40, seed=5)["applied"]
    applied += sandbox.mutate(15, seed=9, kinds=OPT_IN_KINDS)["applied"]
    kinds = Counter(change["kind"] for change in applied)
    assert {
        "add_time_entry",
        "edit_time_entry",
        "delete_time_entry",
        "move_task",
        "close_task",
        *OPT_IN_KINDS,
    } <= set(kinds), kinds
    # and a deletion inside the scanned window (the seeded ones may all fall before it)
    starts = {entry["id"]: entry["start_ms"] for entry in exports[0]["time_entries"]}
    recent_ms = (datetime.now(UTC) - timedelta(days=50)).timestamp() * 1000
    for seed in range(100, 200):
        [deleted] = sandbox.mutate(1, seed=seed, kinds=["delete_time_entry"])["applied"]
        if starts.get(deleted["time_entry_id"], 0) >= recent_ms:
            break
    else:
        raise AssertionError("no seeded deletion of an entry of the last 50 days")

    since = datetime.now(UTC)
    incremental = run_pipeline(marts_env, stream_output=False)
    assert incremental.returncode == 0, incremental.output[-6000:]
    # at the default lookback: entries before the scanned window stay as the full run saw them
    seen, hidden = as_seen_with_lookback(
        exports[0], sandbox.export(), scanned_window_starts(database_url, since)
    )
    exports.append(seen)
    # the comparison covers deleted entries and running timers (removed relationships and
    # changed statuses are asserted among the applied kinds above)
    assert exports[-1]["deleted"]["time_entries"]
    assert any(entry["is_running"] for entry in exports[-1]["time_entries"])
    counts = assert_marts_match(database_url, exports, datetime.now().astimezone())
    print("rows compared per mart:", counts, "outside the lookback:", hidden)


def member_and_entry_hashes(database_url: str) -> dict[str, dict]:
    """dim_members' and fct_time_entries' e-mail hashes, by member and by entry."""
    return {
        "dim_members": {key: value[2] for key, value in truth.landed_members(database_url).items()},
        "fct_time_entries": {
            r["time_entry_id"]: r["user_email_hash"]
            for r in truth.rows(
                database_url,
                "select time_entry_id, user_email_hash from clickup_analytics.fct_time_entries",
            )
        },
    }


def test_salted_email_hash_is_the_same_whichever_side_hashed(
    sandbox: Sandbox, database_url: str, pipeline_env: dict[str, str], tmp_path: Path
) -> None:
    """dbt hashes the plain e-mails of a first run; the tap hashes them (hash_pii, its pii_salt
    wired to the same CLICKUP_EMAIL_HASH_SALT by meltano.yml) in a second: every member and every
    time entry keeps one pseudonym, sha256(salt || lower(e-mail)) of the sandbox's e-mail."""
    salt = pipeline_env["CLICKUP_EMAIL_HASH_SALT"]
    assert salt, "the tests set a salt (tests/conftest.py)"
    export = sandbox.export()
    emails = {(m["team_id"], m["user_id"]): m["email"] for m in export["members"]}
    expected_members = {
        key: hashlib.sha256((salt + email.strip().lower()).encode()).hexdigest()
        for key, email in emails.items()
    }

    dbt_hashed = run_pipeline(pipeline_env, stream_output=False)
    assert dbt_hashed.returncode == 0, dbt_hashed.output[-6000:]
    by_dbt = member_and_entry_hashes(database_url)
    assert by_dbt["dim_members"] == expected_members

    tap_env = {**pipeline_env, "TAP_CLICKUP_EXTENDED_HASH_PII": "true"}
    tap_hashed = run_pipeline(tap_env, stream_output=False)
    assert tap_hashed.returncode == 0, tap_hashed.output[-6000:]
    assert salt not in tap_hashed.output
    # the landing holds no plain e-mail any more: the tap hashed them
    [plain] = truth.rows(
        database_url,
        "select count(*) as n from clickup_extras.members__current where email like '%@%'",
    )
    assert plain["n"] == 0
    by_tap = member_and_entry_hashes(database_url)
    assert by_tap["dim_members"] == expected_members
    assert len(by_dbt["fct_time_entries"]) > 100
    assert by_tap["fct_time_entries"] == by_dbt["fct_time_entries"]
    assert any(by_dbt["fct_time_entries"].values())

    mismatches, _counts = incremental_mismatches(tap_env, database_url, tmp_path / "fullref")
    assert not mismatches, "\n".join(mismatches)


def test_departed_member_and_folderless_entries_at_default_lookback(
    sandbox: Sandbox, database_url: str, marts_env: dict[str, str], tmp_path: Path
) -> None:
    """A member with entries in the lookback leaves the workspace: no scan asks for them any more,
    so their entries stay (not read as deleted) and dim_members marks them gone. Entries on
    folderless lists have no folder. Entries are compared at the default 60-day lookback (what it
    must get right), then after a 400-day re-read (the reconciliation) with everything. The
    incremental models equal a full refresh."""
    full = run_pipeline(marts_env, stream_output=False)
    assert full.returncode == 0, full.output[-6000:]
    before = sandbox.export()
    assert_marts_match(database_url, [before], datetime.now().astimezone())
    folderless = {lst["id"] for lst in before["lists"] if lst["folder_id"] is None}
    tasks_on_folderless = {t["id"] for t in before["tasks"] if t["list_id"] in folderless}
    on_folderless = [e for e in before["time_entries"] if e["task_id"] in tasks_on_folderless]
    assert on_folderless, "no time entry on a folderless list: the folder rule is not exercised"

    [removed] = sandbox.mutate(1, seed=3, kinds=["remove_member"])["applied"]
    changed = sandbox.mutate(
        16, seed=21, kinds=["delete_time_entry", "edit_time_entry", "add_time_entry"]
    )["applied"]
    since = datetime.now(UTC)
    incremental = run_pipeline(marts_env, stream_output=False)
    assert incremental.returncode == 0, incremental.output[-6000:]
    after = sandbox.export()
    starts = scanned_window_starts(database_url, since)
    seen, hidden = as_seen_with_lookback(before, after, starts)
    team, user = removed["team_id"], removed["user_id"]
    assert (team, user) in {(m["team_id"], m["user_id"]) for m in after["former_members"]}
    departed_inside = [
        e["id"]
        for e in seen["time_entries"]
        if (e["team_id"], e["user_id"]) == (team, user) and e["start_ms"] >= starts[team]
    ]
    assert departed_inside, "the departed member has no entry in the scanned window"
    # the window hides some of the changes (else the reconciliation below proves nothing)
    assert hidden["outside_changed"] + hidden["outside_deleted"] >= 1, (hidden, changed)
    assert seen["deleted"]["time_entries"], "no deletion inside the window"
    assert_marts_match(database_url, [before, seen], datetime.now().astimezone())
    [gone] = truth.rows(
        database_url,
        f"select is_active, left_at from clickup_analytics.dim_members "
        f"where team_id = '{team}' and user_id = {int(user)}",
    )
    assert gone["is_active"] is False and gone["left_at"] is not None, gone

    mismatches, rows = incremental_mismatches(marts_env, database_url, tmp_path / "fullref")
    assert not mismatches, mismatches
    assert rows["fct_time_entries"] >= 1000, rows

    reread = run_pipeline(
        {**marts_env, "TAP_CLICKUP_EXTENDED_TIME_ENTRIES_LOOKBACK_DAYS": "400"},
        stream_output=False,
    )
    assert reread.returncode == 0, reread.output[-6000:]
    counts = assert_marts_match(database_url, [before, after], datetime.now().astimezone())
    print("outside the lookback:", hidden, "rows compared after the re-read:", counts)
