"""dbt staging for one landing table, derived from the stream's JSON schema.

Follows the project's pattern: one select-list macro per stream in
``macros/staging/clickup_extras_columns.sql`` shared by ``stg_clickup_extras__<stream>``
(reads ``<stream>__current``) and ``stg_clickup_extras__<stream>_history`` (reads ``<stream>``),
both documented and tested in ``_clickup_extras__models.yml``; the two source tables in
``_clickup_extras__sources.yml``; the macro in ``macros/_macros.yml``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tools.scaffold.naming import singular

GROUPS = ("ids", "strings", "numerics", "booleans", "json (arrays and objects)", "timestamps (UTC)")
#: Source columns quoted in SQL (PostgreSQL keywords or function names).
QUOTED = {
    "name",
    "source",
    "type",
    "role",
    "user",
    "order",
    "group",
    "date",
    "text",
    "value",
    "key",
}


@dataclass(frozen=True, slots=True)
class Column:
    """One staging column: ``<source>::<sql_type> as <alias>``."""

    source: str
    sql_type: str
    alias: str
    group: str
    description: str
    key: bool = False


def _types(spec: dict[str, Any]) -> list[str]:
    kind = spec.get("type", [])
    kinds = [kind] if isinstance(kind, str) else list(kind)
    return [k for k in kinds if k != "null"]


def _timestamp_alias(name: str) -> str:
    if name.startswith("date_"):
        return name.removeprefix("date_") + "_at"
    if name.endswith("_date"):
        return name.removesuffix("_date") + "_at"
    return name if name.endswith("_at") else name + "_at"


def columns_from_schema(stream: str, schema: dict[str, Any], keys: tuple[str, ...]) -> list[Column]:
    """The staging columns of a stream's properties, grouped as the project's models are."""
    entity = singular(stream)
    columns: list[Column] = []
    for name, spec in schema["properties"].items():
        kinds = _types(spec)
        is_key = name in keys
        alias = {"id": f"{entity}_id", "name": f"{entity}_name"}.get(name, name)
        if spec.get("format") == "date-time" and kinds == ["string"]:
            sql_type, group, alias = "timestamptz", GROUPS[5], _timestamp_alias(name)
        elif kinds == ["string"]:
            sql_type = "text"
            group = GROUPS[0] if is_key or name == "id" or name.endswith("_id") else GROUPS[1]
        elif kinds == ["integer"]:
            sql_type = "bigint"
            group = GROUPS[0] if is_key or name.endswith("_id") else GROUPS[2]
        elif kinds == ["number"]:
            sql_type, group = "numeric", GROUPS[2]
        elif kinds == ["boolean"]:
            sql_type, group = "boolean", GROUPS[3]
            alias = name if name.startswith(("is_", "has_")) else f"is_{name}"
        else:
            sql_type, group = "jsonb", GROUPS[4]
        described = spec.get("description") or f"`{name}` of the stream ({sql_type})."
        columns.append(Column(name, sql_type, alias, group, described.replace('"', "'"), is_key))
    return columns


def column_macro(stream: str, columns: list[Column]) -> str:
    """The ``stg_clickup_extras__<stream>_columns`` macro."""
    lines = [f"{{% macro stg_clickup_extras__{stream}_columns() %}}", ""]
    for group in GROUPS:
        members = [c for c in columns if c.group == group]
        if not members:
            continue
        lines.append(f"        ----------  {group}")
        for c in members:
            source = f'"{c.source}"' if c.source in QUOTED else c.source
            lines.append(f"        {source}::{c.sql_type} as {c.alias},")
        lines.append("")
    lines.append("        {{ clickup_extras.stg_clickup_extras__load_metadata_columns() }}")
    lines.append("{%- endmacro %}")
    return "\n".join(lines) + "\n"


def model_sql(stream: str, relation: str) -> str:
    """A staging model: ``source`` then ``renamed`` over the stream's column macro."""
    return f"""with

source as (

    select * from {{{{ source('clickup_extras', '{relation}') }}}}

),

renamed as (

    select {{{{ clickup_extras.stg_clickup_extras__{stream}_columns() }}}}
    from source

)

select * from renamed
"""


def _source_table(relation: str, description: str, keys: tuple[str, ...], current: bool) -> str:
    out = [f"      - name: {relation}", f'        description: "{description}"', "        columns:"]
    for key in keys:
        out += [
            f"          - name: {key}",
            '            description: "Key column."',
            "            data_tests:",
            "              - not_null",
        ]
    out += [
        "          - name: _extras_row_id",
        '            description: "Load order; the latest version of a key has the highest."',
        "            data_tests:",
        "              - not_null",
    ]
    if not current:
        out.append("              - unique")
    out += [
        "          - name: _extras_loaded_at",
        '            description: "When the batch committed."',
    ]
    if current:
        out += [
            "        data_tests:",
            "          - clickup_extras.unique_combination_of_columns:",
            "              arguments:",
            f"                combination_of_columns: [{', '.join(keys)}]",
        ]
    return "\n".join(out) + "\n"


def source_entries(stream: str, keys: tuple[str, ...], description: str) -> str:
    """The two source tables of a stream (``<stream>`` and ``<stream>__current``)."""
    history = (
        f"Append-only history of `{stream}`: every stored version of every key, "
        f"in load order (`_extras_row_id`). {description}"
    )
    current = f"Latest version of each `{stream}` key, deleted keys excluded. {description}"
    return _source_table(stream, history, keys, False) + _source_table(
        f"{stream}__current", current, keys, True
    )


METADATA = [
    ("extras_row_id", "`_extras_row_id`: Load order (identity); unique per version."),
    ("extras_batch_id", "`_extras_batch_id`: The load batch."),
    (
        "extras_record_hash",
        "`_extras_record_hash`: SHA-256 of the record's canonical JSON, volatile properties excluded.",
    ),
    ("extracted_at", "`_extras_extracted_at`: When the tap read the record."),
    ("loaded_at", "`_extras_loaded_at`: When the batch committed."),
    ("deleted_at", "`_extras_deleted_at`: Set on a version that records the key's deletion."),
]


def _model(name: str, description: str, columns: list[Column], current: bool) -> str:
    keys = [c.alias for c in columns if c.key]
    out = [f"  - name: {name}", f'    description: "{description}"', "    columns:"]
    for c in columns:
        out += [f"      - name: {c.alias}", f'        description: "{c.description}"']
        if c.key:
            out += ["        data_tests:", "          - not_null"]
            if current and len(keys) == 1:
                out.append("          - unique")
    for alias, text in METADATA:
        out += [f"      - name: {alias}", f'        description: "{text}"']
        if alias == "extras_row_id":
            out += ["        data_tests:", "          - not_null", "          - unique"]
    if current and len(keys) > 1:
        out += [
            "    data_tests:",
            "      - clickup_extras.unique_combination_of_columns:",
            "          arguments:",
            f"            combination_of_columns: [{', '.join(keys)}]",
        ]
    return "\n".join(out) + "\n"


def model_entries(stream: str, columns: list[Column], description: str) -> str:
    """The YAML of ``stg_clickup_extras__<stream>_history`` and ``stg_clickup_extras__<stream>``."""
    return _model(
        f"stg_clickup_extras__{stream}_history",
        f"Every stored version of `{stream}` (renames and casts only). {description}",
        columns,
        False,
    ) + _model(
        f"stg_clickup_extras__{stream}",
        f"Current `{stream}` (renames and casts only). {description}",
        columns,
        True,
    )


def macro_entry(stream: str) -> str:
    """The ``macros/_macros.yml`` entry of the column macro."""
    return (
        f"  - name: stg_clickup_extras__{stream}_columns\n"
        f'    description: "Select list (renames and casts) of the `{stream}` stream, shared by '
        f"`stg_clickup_extras__{stream}` (reads `{stream}__current`) and "
        f"`stg_clickup_extras__{stream}_history` (reads `{stream}`). Column groups: ids, strings, "
        'numerics, booleans, json, timestamps, load metadata."\n'
    )
