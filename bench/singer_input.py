"""Deterministic Singer input for load benchmarks: task_custom_field_values records."""

from __future__ import annotations

import random
import typing as t
from datetime import UTC, datetime, timedelta
from pathlib import Path

from singer_sdk.singerlib.json import serialize_json
from tap_clickup_extended.decoding.custom_field_values import decode_value
from tap_clickup_extended.streams.task_streams import TaskCustomFieldValuesStream

STREAM = TaskCustomFieldValuesStream.name
KEY_PROPERTIES = list(TaskCustomFieldValuesStream.primary_keys)
FIELDS_PER_TASK = 10
STATE_EVERY = 10_000
TEAM_ID = "9000001"
EXTRACTED_AT = datetime(2026, 5, 1, 9, 30, tzinfo=UTC)
_WORDS = ["alpha", "Beta", "gamma", "délta", "epsilon", "zeta ✓", "eta", "theta", "iota", "🚀"]

# (type, share of tasks where the field is set): the mix of a realistic workspace.
FIELD_TYPES: list[tuple[str, float]] = [
    ("drop_down", 0.8),
    ("labels", 0.6),
    ("users", 0.5),
    ("tasks", 0.3),
    ("number", 0.7),
    ("currency", 0.5),
    ("emoji", 0.4),
    ("date", 0.6),
    ("checkbox", 0.9),
    ("location", 0.2),
    ("manual_progress", 0.5),
    ("formula", 0.9),
    ("text", 0.6),
    ("short_text", 0.7),
    ("url", 0.3),
    ("email", 0.4),
    ("phone", 0.2),
]


def schema_message() -> dict[str, t.Any]:
    """The tap's own SCHEMA message for the stream."""
    return {
        "type": "SCHEMA",
        "stream": STREAM,
        "schema": TaskCustomFieldValuesStream.schema,
        "key_properties": KEY_PROPERTIES,
    }


def _field_definitions(rng: random.Random) -> list[dict[str, t.Any]]:
    """Field definitions (as on a task payload, without value), two of each type."""
    fields = []
    for n in range(2 * len(FIELD_TYPES)):
        field_type, share = FIELD_TYPES[n % len(FIELD_TYPES)]
        options = [
            {"id": f"opt-{n}-{i}", "name": f"{rng.choice(_WORDS)} {i}", "orderindex": i}
            for i in range(6)
        ]
        if field_type == "labels":
            options = [{"id": o["id"], "label": o["name"]} for o in options]
        fields.append(
            {
                "id": f"{n:08d}-cf00-4000-8000-{rng.getrandbits(48):012x}",
                "name": f"{field_type} {n} {rng.choice(_WORDS)}",
                "type": field_type,
                "type_config": {"options": options}
                if field_type in {"drop_down", "labels"}
                else {},
                "_share": share,
            }
        )
    return fields


def _raw_value(field: dict[str, t.Any], rng: random.Random, task_n: int) -> t.Any:
    """A value as ClickUp's API serialises it for the field's type."""
    kind = field["type"]
    if kind == "drop_down":
        return rng.randrange(6)
    if kind == "labels":
        return [o["id"] for o in rng.sample(field["type_config"]["options"], rng.randint(1, 3))]
    if kind == "users":
        return [{"id": 1000 + rng.randrange(50), "username": rng.choice(_WORDS)}]
    if kind == "tasks":
        return [{"id": f"86d{rng.getrandbits(24):06x}"} for _ in range(rng.randint(1, 2))]
    if kind in {"number", "formula"}:
        return str(rng.randint(-1000, 100000) / 100) if rng.random() < 0.5 else rng.randint(0, 99)
    if kind == "currency":
        return f"{rng.randint(0, 10_000_000) / 100:.2f}"
    if kind == "emoji":
        return rng.randint(0, 5)
    if kind == "date":
        return str(1_760_000_000_000 + rng.randrange(10**10))
    if kind == "checkbox":
        return rng.choice([True, False, "true", "false"])
    if kind == "location":
        return {
            "lat": rng.randint(-9000, 9000) / 100,
            "lng": rng.randint(-18000, 18000) / 100,
            "formatted_address": f"{rng.randint(1, 200)} {rng.choice(_WORDS)} Street",
        }
    if kind == "manual_progress":
        return {"percent_completed": rng.randint(0, 100)}
    return f"{rng.choice(_WORDS)} note {task_n} " + rng.choice(_WORDS) * rng.randint(1, 4)


def records(count: int, seed: int = 7) -> t.Iterator[dict[str, t.Any]]:
    """``count`` RECORD messages: tasks of FIELDS_PER_TASK fields each, one version per key."""
    rng = random.Random(seed)
    fields = _field_definitions(rng)
    for n in range(count):
        task_n, slot = divmod(n, FIELDS_PER_TASK)
        field = fields[(task_n * 3 + slot) % len(fields)]
        entry = {k: v for k, v in field.items() if not k.startswith("_")}
        if rng.random() < field["_share"]:
            entry["value"] = _raw_value(field, rng, task_n)
        updated = EXTRACTED_AT - timedelta(minutes=task_n % 100_000)
        yield {
            "type": "RECORD",
            "stream": STREAM,
            "record": {
                "task_id": f"86d{task_n:07x}",
                "field_id": field["id"],
                "team_id": TEAM_ID,
                "field_name": field["name"],
                "field_type": field["type"],
                **decode_value(entry),
                "task_date_updated": updated.isoformat(timespec="microseconds"),
            },
            "time_extracted": EXTRACTED_AT.isoformat(timespec="microseconds"),
        }


def write_input(path: Path, count: int, seed: int = 7) -> Path:
    """Write the Singer file (SCHEMA, records, a STATE every STATE_EVERY records) once."""
    if path.exists():
        return path
    partial = path.with_suffix(".partial")
    with partial.open("w", encoding="utf-8") as out:
        out.write(serialize_json(schema_message()) + "\n")
        for n, message in enumerate(records(count, seed), start=1):
            out.write(serialize_json(message) + "\n")
            if n % STATE_EVERY == 0 or n == count:
                state = {"bookmarks": {STREAM: {"records": n}}}
                out.write(serialize_json({"type": "STATE", "value": state}) + "\n")
    partial.rename(path)
    return path
