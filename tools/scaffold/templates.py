"""String templates of the Python modules ``make new-stream`` writes (formatted by ruff after)."""

from __future__ import annotations

TAP_MODULE = '''"""{title} of each {owner_word}: ``GET {path}`` (scaffolded by ``make new-stream``).

The tap discovers this module (``streams/__init__.py``): no registration needed. Add the
endpoint's useful fields as typed columns next to ``raw_json`` (docs/data-contracts.md).
"""

from __future__ import annotations

from singer_sdk import typing as th
from singer_sdk.helpers.types import Context

from tap_clickup_extended.client import ClickUpStream
from tap_clickup_extended.conversions import id_str
from tap_clickup_extended.schema import ANY_JSON, build_schema
from tap_clickup_extended.streams.{parent_module} import {parent_class}


class {class_name}(ClickUpStream):
    """``GET {path}``: full table, one request per {owner_word}."""

    name = "{name}"
    parent_stream_type = {parent_class}
    path = "{tap_path}"
    records_key = "{records_key}"
    primary_keys = ("{key}",)
    state_partitioning_keys: list[str] = []
    schema = build_schema(
        th.PropertiesList(
            th.Property("{key}", th.StringType, required=True),
            th.Property("team_id", th.StringType),{space_property}
            th.Property("name", th.StringType),
            th.Property(
                "raw_json",
                th.CustomType(ANY_JSON),
                description="The object exactly as the API sent it.",
            ),
        )
    )

    def transform_record(self, row: dict, context: Context | None) -> dict | None:
        """Contract shape: the key, its owner, the name and the raw object."""
        record_id = id_str(row.get("{key}"))
        if record_id is None:
            return None
        return {{
            "{key}": record_id,
            "team_id": (context or {{}}).get("team_id"),{space_value}
            "name": row.get("name"),
            "raw_json": row,
        }}
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
