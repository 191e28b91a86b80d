-- Time entries deleted in ClickUp, detected from the time-entry scans (data-contracts §1).
-- A scan lists every entry the API returned for its window. An entry is deleted when a scan that
-- covers its start, loaded no earlier than the entry's current version, does not list it, and no
-- covering scan loaded at the same time or later does (entries on a boundary shared by two windows).
-- A scan proves a deletion only for the members it asked for (`assignee_ids`): a member who left the
-- workspace is asked for no more, and their entries stay (a scan without `assignee_ids`, landed
-- before the tap recorded them, asked for every member of its time).
with

time_entries as (

    select * from {{ ref('stg_clickup_extras__time_entries') }}

),

scans as (

    select * from {{ ref('stg_clickup_extras__time_entry_scans') }}

),

missing_from_scans as (

    select
        time_entries.time_entry_id,
        max(scans.loaded_at) as missing_since_loaded_at
    from time_entries
    inner join scans
        on time_entries.team_id = scans.team_id
        and time_entries.started_at between scans.window_start_at and scans.window_end_at
        and time_entries.loaded_at <= scans.loaded_at
        and (
            scans.assignee_ids is null
            or coalesce(scans.assignee_ids @> to_jsonb(time_entries.user_id), false)
        )
    where not coalesce(scans.entry_ids ? time_entries.time_entry_id, false)
    group by time_entries.time_entry_id

),

final as (

    select
        missing_from_scans.time_entry_id,
        missing_from_scans.missing_since_loaded_at
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

)

select * from final
