"""The fields of ``task_custom_field_values`` (see ``tap_clickup_extended.fields``)."""

from __future__ import annotations

from singer_sdk import typing as th

from tap_clickup_extended.fields.model import Field, StreamFields
from tap_clickup_extended.schema import ANY_JSON

FIELDS = StreamFields(
    stream="task_custom_field_values",
    description="One record per field present on a task payload, set or not, decoded per field type.",
    fields=(
        Field("task_id", th.StringType, required=True, tests=("not_null",)),
        Field("field_id", th.StringType, required=True, tests=("not_null",)),
        Field("team_id", th.StringType),
        Field("field_name", th.StringType),
        Field("field_type", th.StringType),
        Field("has_value", th.BooleanType, required=True),
        Field("value_text", th.StringType),
        Field("value_number", th.NumberType),
        Field("value_boolean", th.BooleanType),
        Field("value_datetime", th.DateTimeType),
        Field("value_option_ids", th.ArrayType(th.StringType)),
        Field("value_option_names", th.ArrayType(th.StringType)),
        Field("value_user_ids", th.ArrayType(th.IntegerType)),
        Field("value_task_ids", th.ArrayType(th.StringType)),
        Field("value_json", th.CustomType(ANY_JSON)),
        Field("task_date_updated", th.DateTimeType, volatile=True, staging_name="task_updated_at"),
    ),
    unique_combination=("task_id", "field_id"),
    history_xmin="The transaction that wrote the version (the landing table's xmin system column): fct_custom_field_changes builds versions by transaction below a build horizon, not by `_extras_row_id` or `_extras_loaded_at`, which concurrent loads commit out of order (macros/build_horizon.sql).",
)
