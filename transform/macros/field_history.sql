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
    The (task_id, field_id) pairs an incremental run of fct_custom_field_values_daily rewrites from
    window_start: every pair on a new day, else those with a change that arrived after the watermark
    (`changes` is the alias of fct_custom_field_changes in the calling query).
-#}
{% macro field_history_daily_changed_pairs(window, changes='changes') -%}
    {%- if window.is_new_day or window.watermark is none -%}
        true
    {%- else -%}
        {{ changes }}.loaded_at > '{{ window.watermark }}'::timestamptz
    {%- endif -%}
{%- endmacro %}


{#-
    Pre-hook of fct_custom_field_values_daily: on an incremental run, delete the stored rows the
    run rewrites (days from window_start of the pairs it rewrites). A no-op statement otherwise.
-#}
{% macro field_history_daily_delete_window(lookback_days) -%}
    {%- set window = clickup_extras.field_history_daily_window(lookback_days) -%}
    {%- if window is none -%}
        select 1
    {%- else -%}
        delete from {{ this }} as stored
        {%- if not window.is_new_day and window.watermark is not none %}
        using (
            select distinct
                changes.task_id,
                changes.field_id
            from {{ ref('fct_custom_field_changes') }} as changes
            where {{ clickup_extras.field_history_daily_changed_pairs(window) }}
        ) as pairs
        {%- endif %}
        where
            stored.date_day >= '{{ window.window_start }}'::date
            {%- if not window.is_new_day and window.watermark is not none %}
            and stored.task_id = pairs.task_id
            and stored.field_id = pairs.field_id
            {%- endif %}
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
