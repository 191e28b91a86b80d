{#
    A landing table of a stream that is not selected by default (e.g. `comments`) exists only once
    the stream has been loaded. optional_source_relation() returns the source relation when the
    table (or view) exists at run time, else none; at parse time it always returns the relation,
    so the lineage (source -> model) is recorded.

    optional_source(source_name, table_name, columns) is the `source` CTE of a staging model over
    such a table: `select * from <relation>` when it exists, else an empty row set with the
    stream's columns (`columns`: list of [name, data_type]) and the load metadata, so the staging
    column macro applies unchanged and every model downstream builds (empty) before the first load.
#}
{% macro optional_source_relation(source_name, table_name) -%}
    {%- set src = source(source_name, table_name) -%}
    {%- if not execute -%}
        {{ return(src) }}
    {%- endif -%}
    {{ return(adapter.get_relation(database=src.database, schema=src.schema, identifier=src.identifier)) }}
{%- endmacro %}


{% macro optional_source(source_name, table_name, columns) -%}
    {%- set relation = clickup_extras.optional_source_relation(source_name, table_name) -%}
    {%- if relation is not none -%}
    select * from {{ relation }}
    {%- else -%}
    select
    {%- for name, data_type in columns + clickup_extras.extras_load_metadata_types() %}
        null::{{ data_type }} as {{ adapter.quote(name) }}{{ "," if not loop.last }}
    {%- endfor %}
    where false
    {%- endif -%}
{%- endmacro %}


{#- the target-extras metadata columns of every landing table, with their types (data-contracts §2) -#}
{% macro extras_load_metadata_types() -%}
    {{ return([
        ['_extras_row_id', 'bigint'],
        ['_extras_batch_id', 'uuid'],
        ['_extras_record_hash', 'text'],
        ['_extras_extracted_at', 'timestamptz'],
        ['_extras_loaded_at', 'timestamptz'],
        ['_extras_deleted_at', 'timestamptz'],
    ]) }}
{%- endmacro %}


{#- the landing columns of the `comments` stream (data-contracts §1), for optional_source() -#}
{% macro clickup_extras__comments_landing_columns() -%}
    {{ return([
        ['id', 'text'],
        ['task_id', 'text'],
        ['team_id', 'text'],
        ['comment_text', 'text'],
        ['user_id', 'bigint'],
        ['date', 'timestamptz'],
        ['resolved', 'boolean'],
        ['assignee_id', 'bigint'],
        ['assigned_by_id', 'bigint'],
        ['reply_count', 'bigint'],
    ]) }}
{%- endmacro %}


{#- the landing columns of the `comment_scans` stream (data-contracts §1), for optional_source() -#}
{% macro clickup_extras__comment_scans_landing_columns() -%}
    {{ return([
        ['task_id', 'text'],
        ['team_id', 'text'],
        ['scanned_at', 'timestamptz'],
        ['comment_ids', 'jsonb'],
        ['comment_count', 'bigint'],
    ]) }}
{%- endmacro %}
