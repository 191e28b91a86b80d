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
        where
            stored.date_day >= '{{ window.window_start }}'::date
            {%- if not window.is_new_day and window.watermark is not none %}
            -- row by row through the (task_id, field_id, date_day) index: offset 0 keeps the
            -- lookup apart, so PostgreSQL does not scan the whole table for a few pairs
            and stored.ctid in (
                select pair_rows.ctid
                from (
                    select distinct
                        changes.task_id,
                        changes.field_id
                    from {{ ref('fct_custom_field_changes') }} as changes
                    where {{ clickup_extras.field_history_daily_changed_pairs(window) }}
                ) as pairs
                cross join lateral (
                    select daily.ctid
                    from {{ this }} as daily
                    where
                        daily.task_id = pairs.task_id
                        and daily.field_id = pairs.field_id
                        and daily.date_day >= '{{ window.window_start }}'::date
                    offset 0
                ) as pair_rows
            )
            {%- endif %}
    {%- endif -%}
{%- endmacro %}
