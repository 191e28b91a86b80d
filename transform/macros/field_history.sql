{#-
    The rewrite window of fct_custom_field_values_daily on an incremental run, read from the
    database at run time: {'window_start': 'YYYY-MM-DD', 'is_new_day': bool, 'watermark': int}.
    window_start = least(today - lookback_days, last stored day + 1) (days in var time_zone);
    is_new_day: today is later than the last stored day; watermark: the highest
    value_built_horizon_xid of the stored rows: the build horizon of fct_custom_field_changes
    the stored days reflect. No watermark (an empty table, or one built before build horizons):
    window_start '-infinity', a new day: every pair is rewritten whole, once. none when the
    model is not built incrementally.
-#}
{% macro field_history_daily_window(lookback_days) -%}
    {%- if not execute or not is_incremental() -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set columns = adapter.get_columns_in_relation(this) | map(attribute='name') | list -%}
    {%- set watermark = none -%}
    {%- if 'value_built_horizon_xid' in columns -%}
        {%- set watermark = run_query('select max(value_built_horizon_xid) from ' ~ this).rows[0][0] -%}
    {%- endif -%}
    {%- if watermark is none -%}
        {{ return({'window_start': '-infinity', 'is_new_day': true, 'watermark': none}) }}
    {%- endif -%}
    {%- set today = "(now() at time zone " ~ clickup_extras.field_history_time_zone() ~ ")::date" -%}
    {%- set query -%}
        select
            least({{ today }} - {{ lookback_days | int }}, coalesce(max(date_day) + 1, {{ today }}))::text,
            coalesce(max(date_day) < {{ today }}, true)
        from {{ this }}
    {%- endset -%}
    {%- set row = run_query(query).rows[0] -%}
    {{ return({'window_start': row[0], 'is_new_day': row[1], 'watermark': watermark | int}) }}
{%- endmacro %}


{#- the time zone of the daily field history's days (var time_zone, else env CLICKUP_TIME_ZONE, else UTC) -#}
{% macro field_history_time_zone() -%}
    {{ clickup_extras.sql_literal(var('time_zone', none) or env_var('CLICKUP_TIME_ZONE', 'UTC')) }}
{%- endmacro %}


{#-
    The (task_id, field_id, rewrite_from, from_version) an incremental run of
    fct_custom_field_values_daily rewrites, driven by what changed: the pairs with changes
    rebuilt since the stored days (built_horizon_xid above the watermark), each from the first
    day such a change is valid on, however old (a change loaded a month late rewrites its pair's
    month, and no other pair's); on a new day (or without a watermark) also every pair from
    window_start. Days before rewrite_from keep their value: a change, or a recomputed pair's rows
    replacing others, only moves the value from the day it is valid on. from_version: the first of
    the pair's changes those days can show (changes are numbered in time order, so the ones before
    the first rebuilt change end before it begins).
-#}
{% macro field_history_daily_rewritten_pairs(window) -%}
    select
        affected.task_id,
        affected.field_id,
        min(affected.rewrite_from) as rewrite_from,
        min(affected.from_version) as from_version
    from (
        {%- if window.is_new_day %}
        select distinct
            changes.task_id,
            changes.field_id,
            '{{ window.window_start }}'::date as rewrite_from,
            1::bigint as from_version
        from {{ ref('fct_custom_field_changes') }} as changes
        {%- endif %}
        {%- if window.watermark is not none %}
        {%- if window.is_new_day %}

        union all
        {%- endif %}

        select
            changes.task_id,
            changes.field_id,
            min((changes.valid_from at time zone {{ clickup_extras.field_history_time_zone() }})::date)
                as rewrite_from,
            min(changes.version_number) as from_version
        from {{ ref('fct_custom_field_changes') }} as changes
        where changes.built_horizon_xid > {{ window.watermark }}
        group by changes.task_id, changes.field_id
        {%- endif %}
    ) as affected
    group by affected.task_id, affected.field_id
{%- endmacro %}


{#-
    Pre-hook of fct_custom_field_values_daily: on an incremental run, delete the stored rows the
    run rewrites (each rewritten pair's days from its rewrite_from). A no-op statement otherwise.
-#}
{% macro field_history_daily_delete_window(lookback_days) -%}
    {%- set window = clickup_extras.field_history_daily_window(lookback_days) -%}
    {%- if window is none -%}
        select 1
    {%- elif window.watermark is none -%}
        delete from {{ this }}
    {%- else -%}
        delete from {{ this }} as stored
        using ({{ clickup_extras.field_history_daily_rewritten_pairs(window) }}) as pairs
        where
            stored.task_id = pairs.task_id
            and stored.field_id = pairs.field_id
            and stored.date_day >= pairs.rewrite_from
    {%- endif -%}
{%- endmacro %}


{#-
    Post-hook of the large incremental marts: after a full build (first run or --full-refresh),
    collect planner statistics at once, so the next incremental run's lookups of a few pairs are
    planned as index lookups rather than scans (autovacuum would do it only later).
-#}
{% macro analyze_after_full_build() -%}
    {%- if is_incremental() -%}
        select 1
    {%- else -%}
        analyze {{ this }}
    {%- endif -%}
{%- endmacro %}
