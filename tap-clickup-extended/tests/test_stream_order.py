"""The run order follows from the streams' ``RunState`` declarations, and the README draws it.

Also guards the rule behind it: no stream module looks up another stream object.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from tap_clickup_extended.run_state import RunState
from tap_clickup_extended.stream_order import (
    StreamOrderError,
    dependencies,
    diagram,
    execution_order,
    run_order,
    violations,
)
from tap_clickup_extended.tap import CORE_STREAM_TYPES, STREAM_TYPES

PACKAGE = Path(__file__).resolve().parents[1] / "tap_clickup_extended"
README = Path(__file__).resolve().parents[1] / "README.md"


def test_every_consumer_runs_after_its_producers() -> None:
    assert dependencies(STREAM_TYPES), "the streams declare what they share"
    assert violations(STREAM_TYPES) == []


def test_the_order_comes_from_the_declarations_not_the_listing() -> None:
    backwards = CORE_STREAM_TYPES[::-1]
    assert violations(backwards), "a listing against the declarations runs consumers first"
    assert violations(run_order(backwards)) == []


def test_the_curated_streams_keep_their_order() -> None:
    # The Singer output's order: ties keep the listing's order, and it satisfies the edges.
    assert STREAM_TYPES[: len(CORE_STREAM_TYPES)] == CORE_STREAM_TYPES
    assert [t.name for t in execution_order(STREAM_TYPES)][:9] == [
        "workspaces",
        "members",
        "spaces",
        "folders",
        "lists",
        "task_templates",
        "time_entry_scans",
        "time_entries",
        "tasks",
    ]


def test_every_declared_name_is_a_run_state_field_with_a_producer() -> None:
    fields = RunState.field_names()
    wired_by_tap = {"is_selected", "read_team_ids", "read_folder_ids"}
    produced = {n for t in STREAM_TYPES for n in t.produces}
    for stream_type in STREAM_TYPES:
        assert stream_type.produces | stream_type.consumes <= fields, stream_type.name
        assert stream_type.consumes - produced <= wired_by_tap, stream_type.name


def _stream(
    name: str, parent: Any = None, produces: tuple[str, ...] = (), consumes: tuple[str, ...] = ()
) -> Any:
    return type(
        name,
        (),
        {
            "name": name,
            "parent_stream_type": parent,
            "produces": frozenset(produces),
            "consumes": frozenset(consumes),
        },
    )


def test_a_consumer_in_a_sibling_branch_waits_for_the_producers_branch() -> None:
    root = _stream("root")
    early = _stream("early", root)
    reader = _stream("reader", early, consumes=("folder_of_list",))
    writer_parent = _stream("writer_parent", root)
    writer = _stream("writer", writer_parent, produces=("folder_of_list",))
    listing = (root, early, reader, writer_parent, writer)
    assert violations(listing)
    assert [t.name for t in execution_order(run_order(listing))] == [
        "root",
        "writer_parent",
        "writer",
        "early",
        "reader",
    ]


def test_impossible_declarations_are_refused() -> None:
    a = _stream("a", produces=("list_teams",), consumes=("folder_of_list",))
    b = _stream("b", produces=("folder_of_list",), consumes=("list_teams",))
    with pytest.raises(StreamOrderError, match="cycle"):
        run_order((a, b))
    parent = _stream("parent", consumes=("task_batches",))
    child = _stream("child", parent, produces=("task_batches",))
    with pytest.raises(StreamOrderError, match="descendant"):
        run_order((parent, child))
    with pytest.raises(StreamOrderError, match="no RunState field"):
        run_order((_stream("typo", consumes=("folders_of_list",)),))


def test_the_readme_diagram_is_the_declared_one() -> None:
    text = README.read_text(encoding="utf-8")
    match = re.search(r"<!-- stream order: .*? -->\n```text\n(.*?)\n```", text, re.S)
    assert match, "the README has the stream-order diagram"
    assert match.group(1) == diagram(STREAM_TYPES)


def test_no_stream_looks_up_another_stream() -> None:
    for module in sorted(PACKAGE.rglob("*.py")):
        source = module.read_text(encoding="utf-8")
        assert "_tap.streams" not in source, module.name
        assert "hand_over" not in source and "taken_over" not in source, module.name
