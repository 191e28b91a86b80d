{#-
    The rewrite window of fct_custom_field_values_daily on an incremental run, read from the
    database at run time: {'window_start': 'YYYY-MM-DD', 'is_new_day': bool, 'watermark': text}.
    window_start = least(today - lookback_days, last stored day + 1) (days in var time_zone);
    is_new_day: today is later than the last stored day; watermark: the latest loaded_at of the
    changes the stored rows show (null when empty). none when the model is not built incrementally.
-#}
{% macro field_history_daily_window(lookback_days) -%}
    {%- if not execute or not is_incremental() -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set today = "(now() at time zone " ~ clickup_extras.field_history_time_zone() ~ ")::date" -%}
    {%- set query -%}
        select
            least({{ today }} - {{ lookback_days | int }}, coalesce(max(date_day) + 1, {{ today }}))::text,
            coalesce(max(date_day) < {{ today }}, true),
            max(value_loaded_at)::text
        from {{ this }}
    {%- endset -%}
    {%- set row = run_query(query).rows[0] -%}
    {{ return({'window_start': row[0], 'is_new_day': row[1], 'watermark': row[2]}) }}
{%- endmacro %}


{#- the time zone of the daily field history's days (var time_zone, else env CLICKUP_TIME_ZONE, else UTC) -#}
{% macro field_history_time_zone() -%}
    {{ clickup_extras.sql_literal(var('time_zone', none) or env_var('CLICKUP_TIME_ZONE', 'UTC')) }}
{%- endmacro %}


{#-
    The (task_id, field_id, rewrite_from, from_version) an incremental run of
    fct_custom_field_values_daily rewrites: on a new day (or an empty table) every pair from
    window_start; else the pairs with a change that arrived after the watermark, each from the
    first day such a change is valid on (no earlier than window_start). Days before that keep their
    value: a change, or a recomputed pair's rows replacing others, only moves the value from the
    day it is valid on. from_version: the first of the pair's changes those days can show (changes
    are numbered in time order, so the ones before the first new change end before it begins).
-#}
{% macro field_history_daily_rewritten_pairs(window) -%}
    {%- if window.is_new_day or window.watermark is none -%}
        select distinct
            changes.task_id,
            changes.field_id,
            '{{ window.window_start }}'::date as rewrite_from,
            1::bigint as from_version
        from {{ ref('fct_custom_field_changes') }} as changes
    {%- else -%}
        select
            changes.task_id,
            changes.field_id,
            greatest(
                '{{ window.window_start }}'::date,
                min((changes.valid_from at time zone {{ clickup_extras.field_history_time_zone() }})::date)
            ) as rewrite_from,
            min(changes.version_number) as from_version
        from {{ ref('fct_custom_field_changes') }} as changes
        where changes.loaded_at > '{{ window.watermark }}'::timestamptz
        group by changes.task_id, changes.field_id
    {%- endif -%}
{%- endmacro %}


{#-
    Pre-hook of fct_custom_field_values_daily: on an incremental run, delete the stored rows the
    run rewrites (each rewritten pair's days from its rewrite_from). A no-op statement otherwise.
-#}
{% macro field_history_daily_delete_window(lookback_days) -%}
    {%- set window = clickup_extras.field_history_daily_window(lookback_days) -%}
    {%- if window is none -%}
        select 1
    {%- elif window.is_new_day or window.watermark is none -%}
        delete from {{ this }} as stored
        where stored.date_day >= '{{ window.window_start }}'::date
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
