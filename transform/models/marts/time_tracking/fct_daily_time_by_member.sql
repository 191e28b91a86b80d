-- One row per (workspace, member, local day) with tracked time. An entry counts on the local day it
-- started (fct_time_entries.local_date, var time_zone), in full, also when it runs past midnight,
-- so the sums equal those of fct_time_entries grouped by local_date. Running timers have no duration
-- yet: they are counted in running_entry_count and never in the tracked time.
with

time_entries as (

    select * from {{ ref('fct_time_entries') }}

),

final as (

    select
        team_id,
        user_id,
        local_date,
        max(user_email_hash) as user_email_hash,
        count(*) as entry_count,
        count(*) filter (where not is_running) as finished_entry_count,
        count(*) filter (where is_running) as running_entry_count,
        count(distinct task_id) as task_count,
        coalesce(sum(duration_ms), 0)::bigint as tracked_ms,
        round(coalesce(sum(duration_ms), 0)::numeric / 3600000.0, 6) as tracked_hours,
        coalesce(sum(duration_ms) filter (where is_billable), 0)::bigint as billable_ms,
        min(started_at_local) as first_started_at_local,
        max(ended_at_local) as last_ended_at_local,
        min(started_at_utc) filter (where is_running) as running_since_utc
    from time_entries
    group by team_id, user_id, local_date

)

select * from final
