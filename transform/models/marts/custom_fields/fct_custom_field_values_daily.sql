{#-
    One row per (task_id, field_id, date_day) on which the field is on the task at the end of the
    day, from the day of the pair's first change to today (days in var time_zone), with the value
    in effect at the end of that day carried forward from fct_custom_field_changes.

    Incremental, driven by what changed: the pairs with changes fct_custom_field_changes rebuilt
    since the stored days (built_horizon_xid above the highest value_built_horizon_xid stored: a
    build horizon, so loads committed out of order are not skipped) are rewritten from the first
    day such a change is valid on, however old: a change loaded 30 days after it happened rewrites
    its pair's last 30 days, and no other pair (cost: pairs x days affected). When a new day has
    begun since the last run, every pair's days from window_start = least(today - var
    field_history_daily_lookback_days, last stored day + 1) are rewritten too (that adds the day's
    carried-forward rows). The pre-hook deletes exactly those rows first.
-#}
{#- indexes: dbt names them uniquely and builds them with each new table (first and full builds) -#}
{{
    config(
        materialized='incremental',
        incremental_strategy='append',
        on_schema_change='append_new_columns',
        pre_hook="{{ clickup_extras.field_history_daily_delete_window(var('field_history_daily_lookback_days', 3)) }}",
        indexes=[{'columns': ['task_id', 'field_id', 'date_day']}, {'columns': ['date_day']}, {'columns': ['value_loaded_at']}],
        post_hook=[
            "{{ clickup_extras.analyze_after_full_build() }}",
            "{{ clickup_extras.delete_days_after_task_deletion('date_day') }}",
        ],
    )
}}

-- depends_on: {{ ref('int_tasks_deleted') }} (the post-hook's deletions)
{%- set time_zone = clickup_extras.field_history_time_zone() %}
{%- set window = clickup_extras.field_history_daily_window(var('field_history_daily_lookback_days', 3)) %}

with

calendar as (

    select
        (now() at time zone {{ time_zone }})::date as today

),

{% if window is not none -%}
-- the pairs whose days may differ from what is stored, and the first such day of each
rewritten_pairs as (

    {{ clickup_extras.field_history_daily_rewritten_pairs(window) }}

),

{% endif -%}

{% set change_columns %}
        change_id,
        task_id,
        field_id,
        field_name,
        field_type,
        has_value_after,
        value_after_text,
        value_after_json,
        is_deletion,
        valid_from,
        valid_to,
        loaded_at,
        built_horizon_xid,
        (valid_from at time zone {{ time_zone }})::date as valid_from_day,
        (valid_to at time zone {{ time_zone }})::date as valid_to_day
{%- endset %}

changes as (

    {%- if window is not none %}
    -- the rewritten pairs' changes from from_version, pair by pair through the (task_id, field_id,
    -- version_number) index (offset 0 keeps the subquery apart: no fall back to a full scan)
    select
        pair_changes.*,
        rewritten_pairs.rewrite_from
    from rewritten_pairs
    cross join
        lateral (
            select {{ change_columns }}
            from {{ ref('fct_custom_field_changes') }} as pair_change
            where
                pair_change.task_id = rewritten_pairs.task_id
                and pair_change.field_id = rewritten_pairs.field_id
                and pair_change.version_number >= rewritten_pairs.from_version
            offset 0  -- noqa: AM09
        ) as pair_changes
    {%- else %}
    select
        {{ change_columns }},
        null::date as rewrite_from
    from {{ ref('fct_custom_field_changes') }}
    {%- endif %}

),

-- the changes in effect at the end of at least one day (of the window)
effective_changes as (

    select changes.*
    from changes
    where
        not changes.is_deletion
        and (changes.valid_to_day is null or changes.valid_to_day > changes.valid_from_day)  -- noqa: LT02
    {%- if window is not none %}
        and (changes.valid_to_day is null or changes.valid_to_day > changes.rewrite_from)
        {%- endif %}

),

days as (

    select
        effective_changes.*,
        day_series.date_day::date as date_day
    from effective_changes
    cross join calendar
    cross join lateral generate_series(
        greatest(effective_changes.valid_from_day, effective_changes.rewrite_from),
        coalesce(effective_changes.valid_to_day - 1, calendar.today),
        interval '1 day'
    ) as day_series (date_day)

),

final as (

    select
        date_day,
        task_id,
        field_id,
        field_name,
        field_type,
        has_value_after as has_value,
        value_after_text as value_text,
        value_after_json as value_json,
        change_id,
        valid_from as value_changed_at,
        valid_from_day = date_day as is_changed_on_day,
        loaded_at as value_loaded_at,
        built_horizon_xid as value_built_horizon_xid
    from days

)

select * from final
