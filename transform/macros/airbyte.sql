{#
    Airbyte's ClickUp tables are optional neighbours: they may be absent (standalone mode), disabled by
    var, or dropped and recreated by Airbyte at any sync.

    airbyte_tasks_relation() returns:
      - none when `airbyte_tasks_enabled` is false, or when (at run time) the table does not exist;
      - the relation otherwise.
    At parse time it always returns the source relation, so the lineage (source -> model) is recorded
    whenever the var is on.
#}
{% macro airbyte_tasks_relation() -%}
    {{ return(adapter.dispatch('airbyte_tasks_relation', 'clickup_extras')()) }}
{%- endmacro %}

{% macro default__airbyte_tasks_relation() -%}
    {%- if not clickup_extras.as_bool(var('airbyte_tasks_enabled', true)) -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set src = source('airbyte', 'tasks') -%}
    {%- if not execute -%}
        {{ return(src) }}
    {%- endif -%}
    {%- set existing = adapter.get_relation(
        database=src.database,
        schema=src.schema,
        identifier=src.identifier
    ) -%}
    {{ return(existing) }}
{%- endmacro %}


{#
    Select a fixed list of columns from a relation whose shape we do not own.
    `columns` is a list of [name, data_type]: a column that exists is cast to data_type, a missing one
    becomes a typed null, so downstream SQL always sees the same columns.
    When `relation` is none, the result is an empty, typed row set.
#}
{% macro select_columns_tolerantly(relation, columns) -%}
    {%- set present = [] -%}
    {%- if relation is not none and execute -%}
        {%- for col in adapter.get_columns_in_relation(relation) -%}
            {%- do present.append(col.name | lower) -%}
        {%- endfor -%}
    {%- endif -%}
    select
    {%- for name, data_type in columns %}
        {% if relation is not none and (not execute or name | lower in present) -%}
            {{ adapter.quote(name) }}::{{ data_type }}
        {%- else -%}
            null::{{ data_type }}
        {%- endif %} as {{ adapter.quote(name) }}{{ "," if not loop.last }}
    {%- endfor %}
    {%- if relation is not none %}
    from {{ relation }}
    {%- else %}
    where false
    {%- endif %}
{%- endmacro %}


{#- var values may arrive as strings from the command line (`--vars '{x: "false"}'`) -#}
{% macro as_bool(value) -%}
    {%- if value is string -%}
        {{ return(value | lower | trim in ('true', '1', 'yes', 'on')) }}
    {%- else -%}
        {{ return(value | as_bool) }}
    {%- endif -%}
{%- endmacro %}
