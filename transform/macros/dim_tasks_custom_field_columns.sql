{#
    var('dim_tasks_custom_field_columns') as a list of [field_name, column_name]: names slugged by
    custom_field_column_name(), duplicates after slugging get a numeric suffix (_2, _3, …).
#}
{% macro dim_tasks_custom_field_columns() -%}
    {%- set requested = var('dim_tasks_custom_field_columns', []) -%}
    {%- if requested is string -%}
        {%- set requested = [requested] -%}
    {%- endif -%}
    {%- set columns = [] -%}
    {%- set used = [] -%}
    {%- for field_name in requested -%}
        {%- set base = clickup_extras.custom_field_column_name(field_name) -%}
        {%- set ns = namespace(name=base, n=1) -%}
        {%- for _ in range(1000) if ns.name in used -%}
            {%- set ns.n = ns.n + 1 -%}
            {%- set ns.name = base[:58] ~ '_' ~ ns.n -%}
        {%- endfor -%}
        {%- do used.append(ns.name) -%}
        {%- do columns.append([field_name ~ '', ns.name]) -%}
    {%- endfor -%}
    {{ return(columns) }}
{%- endmacro %}
