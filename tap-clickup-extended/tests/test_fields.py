"""The field declarations: mechanical reads from ClickUp's payload, records in schema order."""

from __future__ import annotations

import pytest
from singer_sdk import typing as th
from tap_clickup_extended.conversions import id_str
from tap_clickup_extended.fields import Field, StreamFields, declarations
from tap_clickup_extended.fields.spaces import FIELDS as SPACES
from tap_clickup_extended.tap import STREAM_TYPES

DECLARED = StreamFields(
    stream="things",
    description="Test things.",
    fields=(
        Field("id", th.StringType, required=True, source="id", convert=id_str),
        Field("team_id", th.StringType),
        Field("tracked", th.BooleanType, source="features.time_tracking.enabled"),
    ),
)


def test_a_source_path_is_read_step_by_step() -> None:
    payload = {"id": 7, "features": {"time_tracking": {"enabled": False}}}
    assert DECLARED.record(payload, team_id="1") == {"id": "7", "team_id": "1", "tracked": False}
    assert DECLARED.record({"id": 7, "features": None}, team_id="1")["tracked"] is None


def test_a_field_without_source_or_value_is_an_error() -> None:
    with pytest.raises(ValueError, match=r"things.team_id: no source declared"):
        DECLARED.record({"id": 7})
    with pytest.raises(ValueError, match="things: no field named colour"):
        DECLARED.record({"id": 7}, team_id="1", colour="red")


def test_a_field_declared_twice_is_refused() -> None:
    with pytest.raises(ValueError, match="declared twice"):
        StreamFields("x", "X.", (Field("a", th.StringType), Field("a", th.IntegerType)))


def test_derived_staging_types_and_groups() -> None:
    assert SPACES["id"].staging_type == "text" and SPACES["id"].macro_group == "ids"
    assert SPACES["statuses"].staging_type == "jsonb"
    assert SPACES["private"].macro_group == "booleans"
    assert Field("due_date", th.DateTimeType).macro_group == "timestamps (UTC)"
    assert Field("points", th.NumberType).doc == "`points` of the stream (numeric)."


def test_every_stream_has_one_declaration_and_takes_its_schema_from_it() -> None:
    by_stream = {d.stream: d for d in declarations()}
    assert sorted(by_stream) == sorted(t.name for t in STREAM_TYPES)
    for stream_type in STREAM_TYPES:
        assert stream_type.schema == by_stream[stream_type.name].schema(), stream_type.name


def test_complete_adds_only_the_declared_sources_a_hand_written_record_lacks() -> None:
    """A stream with its own ``transform_record`` gets a new mechanical field from its declaration."""
    payload = {"id": 7, "features": {"time_tracking": {"enabled": True}}}
    hand_written = {"id": "7", "team_id": "1"}
    assert DECLARED.complete(hand_written, payload) == {"id": "7", "team_id": "1", "tracked": True}
    # a value the stream computed wins over the source path; a complete record is returned as is
    computed = {"id": "x", "team_id": "1", "tracked": False}
    assert DECLARED.complete(computed, payload) is computed
