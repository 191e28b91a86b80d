"""dbt files of a new stream that are not generated from its field declaration.

The staging pair ``stg_clickup_extras__<stream>`` (reads ``<stream>__current``) and
``stg_clickup_extras__<stream>_history`` (reads ``<stream>``) over the stream's column macro,
the two source tables in ``_clickup_extras__sources.yml`` and the macro's entry in
``macros/_macros.yml``. The macro itself and the models' YAML are ``make generate``'s
(``tools/generate_fields.py``).
"""

from __future__ import annotations


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


def macro_entry(stream: str) -> str:
    """The ``macros/_macros.yml`` entry of the column macro."""
    return (
        f"  - name: stg_clickup_extras__{stream}_columns\n"
        f'    description: "Select list (renames and casts) of the `{stream}` stream, shared by '
        f"`stg_clickup_extras__{stream}` (reads `{stream}__current`) and "
        f"`stg_clickup_extras__{stream}_history` (reads `{stream}`). Column groups: ids, strings, "
        'numerics, booleans, json, timestamps, load metadata."\n'
    )
