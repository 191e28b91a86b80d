"""String templates of the Python modules ``make new-stream`` writes (formatted by ruff after)."""

from __future__ import annotations

TAP_MODULE = '''"""{title} of each {owner_word}: ``GET {path}`` (scaffolded by ``make new-stream``).

The tap discovers this module (``streams/__init__.py``): no registration needed. Its fields
are declared in ``fields/{name}.py``; add the endpoint's useful ones there, then ``make generate``.
"""

from __future__ import annotations

from singer_sdk.helpers.types import Context

from tap_clickup_extended.client import ClickUpStream
from tap_clickup_extended.conversions import id_str
from tap_clickup_extended.fields.{name} import FIELDS as {const}
from tap_clickup_extended.streams.{parent_module} import {parent_class}


class {class_name}(ClickUpStream):
    """``GET {path}``: full table, one request per {owner_word}."""

    name = "{name}"
    parent_stream_type = {parent_class}
    path = "{tap_path}"
    records_key = "{records_key}"
    primary_keys = ("{key}",)
    state_partitioning_keys: list[str] = []
    schema = {const}.schema()

    def transform_record(self, row: dict, context: Context | None) -> dict | None:
        """Contract shape: the key, its owner, the declared fields and the raw object."""
        record_id = id_str(row.get("{key}"))
        if record_id is None:
            return None
        return {const}.record(
            row,
            {key}=record_id,
            team_id=(context or {{}}).get("team_id"),{space_value}
            raw_json=row,
        )
'''

FIELDS_MODULE = '''"""The fields of ``{name}`` (scaffolded by ``make new-stream``).

One declaration for the tap's schema, the staging models and their docs: add a field here
(a ``source`` path in ClickUp's object when the value is copied as it is), then run
``make generate`` (see ``tap_clickup_extended.fields``).
"""

from __future__ import annotations

from singer_sdk import typing as th

from tap_clickup_extended.fields.model import Field, StreamFields
from tap_clickup_extended.schema import ANY_JSON

FIELDS = StreamFields(
    stream="{name}",
    description="{description}",
    fields=(
        Field(
            "{key}",
            th.StringType,
            required=True,{key_staging}
            tests=("not_null",),
            current_tests=("unique",),
        ),
        Field("team_id", th.StringType),{space_field}
        Field("name", th.StringType, source="name", staging_name="{entity}_name"),
        Field(
            "raw_json",
            th.CustomType(ANY_JSON),
            description="The object exactly as the API sent it (jsonb).",
        ),
    ),
)
'''

SANDBOX_MODULE = '''"""``GET {path}`` in the sandbox (scaffolded by ``make new-stream``).

{shape_origin}
``make_record`` fills in the id and the name of each record, deterministically from the
sandbox's seed; edit it to serve more realistic data.
"""

from __future__ import annotations

import copy
import random
import uuid
from typing import Any

from clickup_sandbox.extras import ExtraEndpoint

#: One record as ClickUp sends it.
SHAPE: dict[str, Any] = {shape!r}


def make_record(
    rng: random.Random, owner_id: str, team_id: str, index: int, anchor_ms: int
) -> dict[str, Any]:
    """Record ``index`` of an owner (a {owner_word})."""
    record = copy.deepcopy(SHAPE)
    if isinstance(SHAPE.get("{key}"), int):
        record["{key}"] = int(owner_id) * 1000 + index
    else:
        record["{key}"] = str(uuid.UUID(int=rng.getrandbits(128), version=4))
    record["name"] = f"{title_singular} {{index + 1}} of {{owner_id}}"
    if "team_id" in SHAPE:
        record["team_id"] = team_id
    return record


ENDPOINT = ExtraEndpoint(
    name="{name}",
    path="{path}",
    records_key="{records_key}",
    make_record=make_record,
    owner="{owner}",
    envelope={envelope!r},
)
'''
