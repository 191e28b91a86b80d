"""`tests.bench.completeness`: found vs expected per category, on a hand-made export."""

from __future__ import annotations

from typing import Any

from tests.bench.completeness import Extracted, completeness, completeness_figures


def make_export() -> dict[str, Any]:
    def task(task_id: str, **extra: Any) -> dict[str, Any]:
        base = {"id": task_id, "folder_id": "f1", "status_type": "open", "archived": False,
                "parent": None, "field_ids": ["cf1", "cf2"], "custom_field_values": {}}  # fmt: skip
        return base | extra

    return {
        "tasks": [
            task("t1", custom_field_values={"cf1": 3, "cf2": "x"}),
            task("t2", folder_id=None),
            task("t3", status_type="closed", parent="t1"),
            task("t4", archived=True, custom_field_values={"cf1": 1, "gone": 2}),
            task("t5"),  # deleted below
        ],
        "time_entries": [
            {"id": "e1", "user_id": 1, "task_id": "t1"},
            {"id": "e2", "user_id": 2, "task_id": "t2"},
            {"id": "e3", "user_id": 2, "task_id": None},
            {"id": "e4", "user_id": 3, "task_id": "t1"},  # deleted below
        ],
        "deleted": {"tasks": ["t5"], "time_entries": ["e4"]},
    }


def test_counts_found_and_expected_per_category() -> None:
    extracted = Extracted(
        task_ids={"t1", "t3", "t5", "unknown"},
        time_entry_ids={"e2", "e4"},
        typed_custom_field_values={("t1", "cf1"), ("t4", "gone")},
        raw_custom_field_values={("t1", "cf2")},
    )
    result = completeness(make_export(), extracted)
    assert result == {
        "tasks": {"found": 2, "expected": 4},
        "tasks_folderless": {"found": 0, "expected": 1},
        "tasks_closed": {"found": 1, "expected": 1},
        "tasks_archived": {"found": 0, "expected": 1},
        "subtasks": {"found": 1, "expected": 1},
        "time_entries": {"found": 1, "expected": 3},
        "time_entry_members": {"found": 1, "expected": 2},
        # t4's "gone" is not among the fields its list exposes: not expected
        "custom_field_values_typed": {"found": 1, "expected": 3},
    }


def test_nothing_extracted_is_zero_found_not_an_error() -> None:
    figures = completeness_figures(make_export(), Extracted())
    assert figures["tasks_found_count"] == 0
    assert figures["tasks_expected_count"] == 4
    assert figures["time_entries_pct"] == 0.0
    assert figures["custom_field_values_raw_found_count"] == 0
    assert all(name.endswith(("_count", "_pct")) for name in figures)


def test_members_given_explicitly_and_raw_values_reported() -> None:
    extracted = Extracted(time_entry_user_ids={1, 2, 99}, raw_custom_field_values={("t1", "cf2")})
    figures = completeness_figures(make_export(), extracted)
    assert figures["time_entry_members_found_count"] == 2
    assert figures["time_entry_members_pct"] == 100.0
    assert figures["custom_field_values_raw_found_count"] == 1
    assert figures["custom_field_values_typed_found_count"] == 0
