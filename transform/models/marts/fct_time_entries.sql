-- One row per current, not deleted ClickUp time entry.
with

time_entries as (

    select * from {{ ref('stg_clickup_extras__time_entries') }}

),

scans as (

    select * from {{ ref('stg_clickup_extras__time_entry_scans') }}

),

members as (

    select * from {{ ref('stg_clickup_extras__members') }}

),

-- A scan lists every entry the API returned for its window. An entry is deleted when a scan that
-- covers its start, loaded no earlier than the entry's current version, does not list it, and no
-- covering scan loaded at the same time or later does (entries on a boundary shared by two windows).
missing_from_scans as (

    select
        time_entries.time_entry_id,
        max(scans.loaded_at) as missing_since_loaded_at
    from time_entries
    inner join scans
        on time_entries.team_id = scans.team_id
        and time_entries.started_at between scans.window_start_at and scans.window_end_at
        and time_entries.loaded_at <= scans.loaded_at
    where not coalesce(scans.entry_ids ? time_entries.time_entry_id, false)
    group by time_entries.time_entry_id

),

deleted_entries as (

    select missing_from_scans.time_entry_id
    from missing_from_scans
    inner join time_entries
        on missing_from_scans.time_entry_id = time_entries.time_entry_id
    where not exists (
        select 1 as is_covered
        from scans
        where
            scans.team_id = time_entries.team_id
            and time_entries.started_at between scans.window_start_at and scans.window_end_at
            and scans.loaded_at >= missing_from_scans.missing_since_loaded_at
            and scans.entry_ids ? time_entries.time_entry_id
    )

),

kept as (

    select time_entries.*
    from time_entries
    left join deleted_entries
        on time_entries.time_entry_id = deleted_entries.time_entry_id
    where deleted_entries.time_entry_id is null

),

final as (

    select
        kept.time_entry_id,
        kept.team_id,
        kept.user_id,
        {{ clickup_extras.hash_email('coalesce(kept.user_email, members.email)') }} as user_email_hash,
        kept.task_id,
        kept.list_id,
        kept.folder_id,
        kept.space_id,
        kept.started_at as started_at_utc,
        case when kept.is_running then null else kept.ended_at end as ended_at_utc,
        {{ clickup_extras.to_local_time('kept.started_at') }} as started_at_local,
        {{ clickup_extras.to_local_time(
            'case when kept.is_running then null else kept.ended_at end'
        ) }} as ended_at_local,
        ({{ clickup_extras.to_local_time('kept.started_at') }})::date as local_date,
        case when kept.is_running then null else kept.duration_ms end as duration_ms,
        round(
            (case when kept.is_running then null else kept.duration_ms end)::numeric / 3600000.0, 6
        ) as duration_hours,
        coalesce(kept.is_running, false) as is_running,
        kept.is_billable,
        kept.description,
        kept.tags,
        kept.entry_source as source,
        kept.extracted_at
    from kept
    left join members
        on kept.team_id = members.team_id
        and kept.user_id = members.user_id

)

select * from final
