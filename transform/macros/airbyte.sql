{#
    Airbyte's ClickUp tables are optional neighbours: they may be absent (standalone mode), disabled by
    var, or dropped and recreated by Airbyte at any sync.

    airbyte_relation(table_name) returns, for a table of source `airbyte` (`tasks`, `lists`, ...):
      - none when it is disabled: var `airbyte_<table_name>_enabled`, else var `airbyte_enabled`
        (both default true) is false;
      - none when (at run time) the table does not exist;
      - the relation otherwise.
    At parse time it returns the source relation, so the lineage (source -> model) is recorded
    whenever the table is enabled.
#}
{% macro airbyte_table_enabled(table_name) -%}
    {{ return(clickup_extras.as_bool(var('airbyte_' ~ table_name ~ '_enabled', var('airbyte_enabled', true)))) }}
{%- endmacro %}

{% macro airbyte_relation(table_name) -%}
    {{ return(adapter.dispatch('airbyte_relation', 'clickup_extras')(table_name)) }}
{%- endmacro %}

{% macro default__airbyte_relation(table_name) -%}
    {%- if not clickup_extras.airbyte_table_enabled(table_name) -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set src = source('airbyte', table_name) -%}
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

{#- kept for callers of the first version: Airbyte's tasks table, or none -#}
{% macro airbyte_tasks_relation() -%}
    {{ return(clickup_extras.airbyte_relation('tasks')) }}
{%- endmacro %}


{#
    `_airbyte_meta` is jsonb like {"changes": [{"field": ..., "change": "NULLED", "reason": ...}]}
    when Airbyte changed a value while loading (truncated, nulled for a type error). True when
    the list is not empty; false for rows without changes or without the column.
#}
{% macro airbyte_meta_has_changes(column) -%}
    coalesce(jsonb_array_length(
        case
            when jsonb_typeof({{ column }} -> 'changes') = 'array' then {{ column }} -> 'changes'
        end
    ) > 0, false)
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
