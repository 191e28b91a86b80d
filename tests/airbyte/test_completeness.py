"""`bench.completeness`: found vs expected per category, typed values, on a hand-made export."""

from __future__ import annotations

from typing import Any

from bench.completeness import (
    CATEGORIES,
    Found,
    add_raw_values,
    completeness,
    expected_field_values,
    figures,
    same_json,
)


def make_export() -> dict[str, Any]:
    def task(task_id: str, **extra: Any) -> dict[str, Any]:
        base = {"id": task_id, "folder_id": "f1", "status_type": "open", "archived": False,
                "parent": None, "date_closed_ms": None, "custom_field_values": {}}  # fmt: skip
        return base | extra

    return {
        "custom_fields": [
            {"id": "num", "type": "number"},
            {"id": "txt", "type": "short_text"},
            {"id": "drop", "type": "drop_down"},
        ],
        "tasks": [
            task("t1", custom_field_values={"num": 3, "txt": "x"}),
            task("t2", folder_id=None, custom_field_values={"drop": "opt-uuid"}),
            task("t3", status_type="closed", parent="t1"),
            task("t4", archived=True, date_closed_ms=5, custom_field_values={"num": 1.5}),
            task("t5", custom_field_values={"num": 9}),  # deleted below
        ],
        "time_entries": [
            {"id": "e1", "user_id": 1, "task_id": "t1", "start_ms": 2_000},
            {"id": "e2", "user_id": 2, "task_id": "t2", "start_ms": 2_000},
            {"id": "e3", "user_id": 2, "task_id": None, "start_ms": 3_000},
            {"id": "e4", "user_id": 3, "task_id": "t1", "start_ms": 2_000},  # deleted below
            {"id": "e5", "user_id": 4, "task_id": "t1", "start_ms": 500},  # before the start
        ],
        "deleted": {"tasks": ["t5"], "time_entries": ["e4"]},
    }


def test_counts_found_and_expected_per_category() -> None:
    found = Found(
        task_ids={"t1", "t3", "t5", "unknown"},
        time_entry_ids={"e2", "e4", "e5"},
        field_values={("t1", "num"): True, ("t1", "txt"): False, ("t5", "num"): True},
    )
    assert completeness(make_export(), found, start_ms=1_000) == {
        "tasks": {"found": 2, "expected": 4},
        "folderless_tasks": {"found": 0, "expected": 1},
        "closed_tasks": {"found": 1, "expected": 2},  # t3 by status, t4 by its close date
        "archived_tasks": {"found": 0, "expected": 1},
        "subtask_tasks": {"found": 1, "expected": 1},
        "time_entries": {"found": 1, "expected": 3},  # e4 deleted, e5 before the start
        "time_entry_members": {"found": 1, "expected": 2},
        "custom_field_values_typed": {"found": 1, "expected": 4},  # t5 is deleted
    }


def test_figures_are_named_for_the_report_and_nothing_found_is_zero_not_an_error() -> None:
    result = figures(make_export(), Found(), start_ms=1_000)
    assert [name for name in result if name.endswith("_found_count")] == [
        f"{category}_found_count" for category in CATEGORIES
    ]
    assert result["tasks_found_count"] == 0 and result["tasks_expected_count"] == 4
    assert result["time_entries_pct"] == 0.0
    assert result["custom_field_values_present_count"] == 0
    assert result["completeness_pct"] == 0.0
    assert all(name.endswith(("_count", "_pct")) for name in result)


def test_completeness_pct_is_the_mean_of_tasks_entries_and_typed_values() -> None:
    found = Found(
        task_ids={"t1", "t2", "t3", "t4"},
        time_entry_ids={"e1", "e2", "e3"},
        field_values={("t1", "num"): True, ("t1", "txt"): False},
    )
    result = figures(make_export(), found, start_ms=1_000)
    assert result["custom_field_values_typed_pct"] == 25.0
    assert result["custom_field_values_present_count"] == 2
    assert result["completeness_pct"] == 75.0  # (100 + 100 + 25) / 3


def test_a_value_is_typed_only_when_equal_in_value_and_json_type() -> None:
    assert same_json(3, 3) and same_json(1.5, 1.5) and same_json(["a", "b"], ["a", "b"])
    assert not same_json("3", 3)  # a number as a string
    assert not same_json(True, 1) and not same_json(1, True)  # a bool is not a number
    assert not same_json(0, "opt-uuid")  # a drop-down's index, not its option id
    assert not same_json(["a"], ["a", "b"]) and not same_json({"id": 1}, {"id": "1"})


def test_raw_custom_fields_count_as_typed_only_where_already_canonical() -> None:
    export = make_export()
    found = Found()
    expected = expected_field_values(export)
    add_raw_values(
        found, "t1", [{"id": "num", "value": "3"}, {"id": "txt", "value": "x"}], expected
    )
    add_raw_values(found, "t2", [{"id": "drop", "value": 0}, {"id": "num"}, "junk"], expected)
    add_raw_values(found, "t9", [{"id": "num", "value": 3}], expected)  # not in the export
    assert found.field_values == {
        ("t1", "num"): False,
        ("t1", "txt"): True,
        ("t2", "drop"): False,
        ("t9", "num"): False,
    }
    result = figures(export, found)
    assert result["custom_field_values_typed_found_count"] == 1
    assert result["custom_field_values_present_count"] == 3
