-- One row per current, not deleted ClickUp time entry.
-- Incremental (delete+insert on time_entry_id): a run rebuilds the entries whose version, member or
-- covering scan was written since the last run; the post-hook removes the entries found deleted
-- (or gone from the current view). "Written since the last run" is by build horizon
-- (macros/build_horizon.sql): landing rows whose transaction lies in [the stored horizon, this
-- run's), so a load that commits after a later one is still seen (a table built before horizons
-- continues once from its newest loaded_at). A change of var time_zone, hash_emails or
-- email_hash_salt needs `--full-refresh`.
{{
    config(
        materialized='incremental',
        unique_key='time_entry_id',
        incremental_strategy='delete+insert',
        on_schema_change='append_new_columns',
        post_hook=["{{ clickup_extras.fct_time_entries_delete_gone() }}"]
    )
}}
-- the incremental branch reads these too (dbt records refs only outside is_incremental() blocks)
-- depends_on: {{ ref('stg_clickup_extras__time_entry_scans_history') }}
-- depends_on: {{ ref('stg_clickup_extras__time_entries_history') }}
-- depends_on: {{ ref('stg_clickup_extras__members_history') }}
{%- set horizon = clickup_extras.build_horizon() %}
{%- set previous = clickup_extras.stored_build_horizon(this) if is_incremental() else none %}
with

time_entries as (

    select * from {{ ref('stg_clickup_extras__time_entries') }}

),

deleted_entries as (

    select * from {{ ref('int_time_entries_deleted') }}

),

members as (

    select * from {{ ref('stg_clickup_extras__members') }}

),

lists as (

    select * from {{ ref('stg_clickup_extras__lists') }}

),

{% if is_incremental() %}
-- read only by the incremental branch: what was written since the last run
{%- set existing_columns = adapter.get_columns_in_relation(this) | map(attribute='name') | list %}
{%- if previous is not none %}
{%- set is_new = clickup_extras.written_within_horizon('versions.extras_xmin', horizon, previous) %}
{%- elif 'loaded_at' in existing_columns %}
{%- set is_new = "versions.loaded_at > (select coalesce(max(loaded_at), '-infinity'::timestamptz) from " ~ this ~ ")" %}
{%- else %}
{#- a table built before `loaded_at` existed (0.2): every entry is rewritten once #}
{%- set is_new = 'true' %}
{%- endif %}
new_entry_ids as (

    select distinct versions.time_entry_id
    from {{ ref('stg_clickup_extras__time_entries_history') }} as versions
    where {{ is_new }}

),

new_members as (

    select distinct
        versions.team_id,
        versions.user_id
    from {{ ref('stg_clickup_extras__members_history') }} as versions
    where {{ is_new }}

),

new_scans as (

    select
        versions.team_id,
        versions.window_start_at,
        versions.window_end_at
    from {{ ref('stg_clickup_extras__time_entry_scans_history') }} as versions
    where {{ is_new }}

),

changed as (

    select time_entries.*
    from time_entries
    where
        time_entries.time_entry_id in (select new_entry_ids.time_entry_id from new_entry_ids)
        -- the history, so that a member's deletion (gone from the current view) counts too
        or exists (
            select 1 as is_new_member
            from new_members
            where
                new_members.team_id = time_entries.team_id
                and new_members.user_id = time_entries.user_id
        )
        or exists (
            select 1 as is_rescanned
            from new_scans
            where
                new_scans.team_id = time_entries.team_id
                and time_entries.started_at between new_scans.window_start_at and new_scans.window_end_at
        )

),
{% else %}
changed as (

    select * from time_entries

),
{% endif %}

kept as (

    select changed.*
    from changed
    left join deleted_entries
        on changed.time_entry_id = deleted_entries.time_entry_id
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
        -- an entry on a folderless list carries the space's hidden folder: no folder (as for tasks)
        case when lists.is_folderless then null else kept.folder_id end as folder_id,
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
        kept.extracted_at,
        kept.loaded_at,
        {{ horizon.xmin }}::bigint as built_horizon_xid
    from kept
    left join members
        on kept.team_id = members.team_id
        and kept.user_id = members.user_id
    left join lists
        on kept.list_id = lists.list_id

)

select * from final
