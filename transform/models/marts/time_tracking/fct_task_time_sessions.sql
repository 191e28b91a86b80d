-- One row per task with tracked time: its time entries (sessions) as parallel arrays, newest first.
-- A table, rebuilt from fct_time_entries on every run: a task's arrays depend on all of its entries,
-- so an incremental version would re-aggregate every task touched anyway (and deleted entries leave
-- no trace to find their task by); the aggregation is one pass over fct_time_entries.
with

time_entries as (

    select * from {{ ref('fct_time_entries') }}
    where
        task_id is not null
        -- a deleted task has no sessions (its entries may outlive it in fct_time_entries)
        and task_id not in (select deleted.task_id from {{ ref('int_tasks_deleted') }} as deleted)

),

final as (

    select
        task_id,
        min(team_id) as team_id,
        count(*) as session_count,
        count(*) filter (where not is_running) as finished_session_count,
        count(*) filter (where is_running) as running_session_count,
        bool_or(is_running) as has_running_timer,
        -- newest first; entries starting at the same instant by descending id, so the order is total
        array_agg(time_entry_id order by started_at_utc desc, time_entry_id desc) as time_entry_ids,
        array_agg(user_id order by started_at_utc desc, time_entry_id desc) as user_ids,
        array_agg(started_at_utc order by started_at_utc desc, time_entry_id desc) as session_starts_utc,
        array_agg(ended_at_utc order by started_at_utc desc, time_entry_id desc) as session_ends_utc,
        array_agg(duration_ms order by started_at_utc desc, time_entry_id desc) as session_durations_ms,
        coalesce(sum(duration_ms), 0)::bigint as tracked_ms,
        round(coalesce(sum(duration_ms), 0)::numeric / 60000.0, 2) as tracked_minutes,
        min(started_at_utc) as first_started_at_utc,
        max(started_at_utc) as last_started_at_utc,
        max(ended_at_utc) as last_ended_at_utc
    from time_entries
    group by task_id

)

select * from final
