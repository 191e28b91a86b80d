-- One row per workspace member, current or departed, with the organisation's employee id from the
-- member_employee_ids seed (a row for the member's workspace first, else a row for every workspace).
-- A member missing from the workspace's member list (a deletion version in the members history) is
-- kept, marked is_active = false with left_at: their time entries stay in fct_time_entries.
with

member_versions as (

    select * from {{ ref('stg_clickup_extras__members_history') }}

),

latest_versions as (

    select
        member_versions.*,
        row_number() over (
            partition by member_versions.team_id, member_versions.user_id
            order by member_versions.extras_row_id desc
        ) as recency
    from member_versions

),

members as (

    select *
    from latest_versions
    where recency = 1

),

employee_ids as (

    select * from {{ ref('member_employee_ids') }}

),

mapped as (

    select
        members.team_id,
        members.user_id,
        employee_ids.employee_id,
        case when employee_ids.team_id is null then 'all_workspaces' else 'workspace' end as employee_id_scope,
        row_number() over (
            partition by members.team_id, members.user_id
            order by employee_ids.team_id nulls last
        ) as preference
    from members
    inner join employee_ids
        on
        members.user_id = employee_ids.user_id
        and (employee_ids.team_id is null or members.team_id = employee_ids.team_id)

),

final as (

    select
        md5(members.team_id || '|' || members.user_id::text) as member_id,
        members.team_id,
        members.user_id,
        mapped.employee_id,
        mapped.employee_id_scope,
        members.username,
        {{ clickup_extras.hash_email('members.email') }} as user_email_hash,
        members.initials,
        members.user_color,
        members.role_code,
        case members.role_code
            when 1 then 'owner'
            when 2 then 'admin'
            when 3 then 'member'
            when 4 then 'guest'
        end as role_name,
        coalesce(members.role_code = 4, false) as is_guest,
        members.joined_at,
        members.invited_at,
        members.last_active_at,
        members.deleted_at is null as is_active,
        members.deleted_at as left_at,
        members.extracted_at
    from members
    left join mapped
        on
        members.team_id = mapped.team_id
        and members.user_id = mapped.user_id
        and mapped.preference = 1

)

select * from final
