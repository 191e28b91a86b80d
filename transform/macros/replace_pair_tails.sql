{#-
    Incremental strategy 'replace_pair_tails' (dbt calls get_incremental_<strategy>_sql): the run's
    rows are the tails of their pairs (unique_key: the pair's columns), each from the first row it
    recomputes (config replace_from_column, e.g. version_number) to the pair's end. The stored rows
    of each pair from that position on are deleted, then the run's rows inserted. A pair recomputed
    whole starts at its first position and is replaced whole; a pair that only grew rewrites its
    last stored row and appends, so the stored rows before it are never rewritten.

    By hand because dbt's delete+insert replaces everything under a key: by pair, it would rewrite
    each grown pair's whole history; by row, it could not remove a row a recomputed pair no longer has.
-#}
{% macro get_incremental_replace_pair_tails_sql(arg_dict) -%}
    {%- set target = arg_dict['target_relation'] -%}
    {%- set source = arg_dict['temp_relation'] -%}
    {%- set keys = arg_dict['unique_key'] -%}
    {%- set keys = [keys] if keys is string else keys -%}
    {%- set position = config.get('replace_from_column') -%}
    {%- if not keys or not position -%}
        {{ exceptions.raise_compiler_error(
            "incremental_strategy 'replace_pair_tails' needs unique_key (the pair's columns) and replace_from_column"
        ) }}
    {%- endif -%}
    {%- set columns = get_quoted_csv(arg_dict['dest_columns'] | map(attribute='name')) -%}
    delete from {{ target }} as stored
    using (
        select {{ keys | join(', ') }}, min({{ position }}) as replace_from
        from {{ source }}
        group by {{ keys | join(', ') }}
    ) as replaced
    where
        {%- for key in keys %}
        stored.{{ key }} = replaced.{{ key }} and
        {%- endfor %}
        stored.{{ position }} >= replaced.replace_from;

    insert into {{ target }} ({{ columns }})
    select {{ columns }} from {{ source }}
{%- endmacro %}
