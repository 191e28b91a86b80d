-- One row per task per local day (var time_zone): the task as it was at the end of that day, from the
-- tasks history. A version is in effect from the local day of its date_updated (ClickUp's time of the
-- change; the extraction time when missing) until the next version's day; the last version of a day
-- wins. A task appears from the day of the first version we hold and continues to the current local
-- day; a version recording the task's deletion ends it.
-- Incremental over a bounded lookback (delete+insert on task_id + snapshot_date): a run rewrites the
-- last var('daily_task_snapshots_lookback_days') days (default 3) before the newest day in the
-- table, up to today, for every task, plus every day from the change on for the tasks that got a
-- version written since the last run (a new task: all its days), so late versions are never lost,
-- however old their day. "Written since the last run" is by build horizon (macros/build_horizon.sql):
-- versions whose transaction lies in [the stored horizon, this run's), so a load that commits
-- after a later one is still seen; a table built before horizons continues once by loaded_at.
{{
    config(
        materialized='incremental',
        unique_key=['task_id', 'snapshot_date'],
        incremental_strategy='delete+insert',
        on_schema_change='append_new_columns',
        post_hook=["{{ clickup_extras.fct_daily_task_snapshots_delete_after_deletion() }}"]
    )
}}
-- depends_on: {{ ref('int_tasks_deleted') }} (the post-hook's deletions)
{%- set lookback_days = var('daily_task_snapshots_lookback_days', 3) | int %}
{%- set horizon = clickup_extras.build_horizon() %}
{%- set previous = clickup_extras.stored_build_horizon(this) if is_incremental() else none %}
{%- set is_new_version = clickup_extras.written_within_horizon('versions.extras_xmin', horizon, previous) %}
{%- if is_incremental() and previous is none %}
{%- set is_new_version = 'versions.loaded_at > previous_build.last_loaded_at' %}
{%- endif %}
with

versions as (

    select * from {{ ref('int_task_versions_dated') }}

),

-- the last day: var daily_task_snapshots_end_date (a fixed date, for backfills and tests), else today
today as (

    {%- set end_date = var('daily_task_snapshots_end_date', none) %}
    {%- if end_date %}
    select {{ clickup_extras.sql_literal(end_date) }}::date as local_date
    {%- else %}
    select ({{ clickup_extras.to_local_time('now()') }})::date as local_date
    {%- endif %}

),

-- the newest day and load time already in the table (a full build: nothing yet)
previous_build as (

    {%- if is_incremental() %}
    select
        coalesce(max(snapshot_date), '-infinity'::date) as last_date,
        coalesce(max(loaded_at), '-infinity'::timestamptz) as last_loaded_at
    from {{ this }}
    {%- else %}
    select
        '-infinity'::date as last_date,
        '-infinity'::timestamptz as last_loaded_at
    {%- endif %}

),

-- tasks with a version written since the last run are rebuilt from the first day it changes
changed_tasks as (

    select
        versions.task_id,
        min(versions.effective_date) as rebuild_from_date
    from versions
    cross join previous_build
    where {{ is_new_version }}
    group by versions.task_id

),

-- the first day to write per version: its own day, but no earlier than the lookback window, or
-- than the change for a task with a newly loaded version (a full build: its own day)
windowed_versions as (

    select
        versions.*,
        greatest(
            versions.effective_date,
            least(previous_build.last_date - {{ lookback_days }}, changed_tasks.rebuild_from_date)
        ) as write_from_date
    from versions
    cross join previous_build
    left join changed_tasks
        on versions.task_id = changed_tasks.task_id
    where not versions.is_deletion

),

-- the days each version is in effect: [its day, the next version's day), the last one up to today;
-- only versions in effect within the days to write produce rows, so a run costs what it writes
selected_days as (

    select
        windowed_versions.*,
        (day_series.snapshot_day)::date as snapshot_date
    from windowed_versions
    cross join today
    cross join
        lateral generate_series(
            windowed_versions.write_from_date,
            coalesce(windowed_versions.next_effective_date - 1, today.local_date),
            interval '1 day'
        ) as day_series (snapshot_day)

),

final as (

    select
        md5(task_id || '|' || snapshot_date::text) as snapshot_id,
        snapshot_date,
        task_id,
        team_id,
        list_id,
        folder_id,
        space_id,
        parent_task_id,
        task_name,
        status,
        status_type,
        coalesce(status_type in ('closed', 'done'), false) as is_closed,
        coalesce(is_archived, false) as is_archived,
        assignee_ids,
        coalesce(jsonb_array_length(assignee_ids), 0) as assignee_count,
        priority,
        points,
        time_estimate_ms,
        time_spent_ms,
        due_at,
        effective_at as version_updated_at,
        extras_row_id,
        loaded_at,
        {{ horizon.xmin }}::bigint as built_horizon_xid
    from selected_days

)

select * from final
