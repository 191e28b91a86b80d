-- Every stored version of every task with the local day (var time_zone) from which it is in effect
-- and the day the next version takes over; the last version of a day is the one that counts.
-- A version recording the task's deletion takes effect when the deletion was recorded.
with

task_versions as (

    select * from {{ ref('stg_clickup_extras__tasks_history') }}

),

ordered as (

    select
        task_versions.task_id,
        task_versions.team_id,
        task_versions.list_id,
        task_versions.folder_id,
        task_versions.space_id,
        task_versions.parent_task_id,
        task_versions.task_name,
        task_versions.status,
        task_versions.status_type,
        task_versions.is_archived,
        task_versions.assignee_ids,
        task_versions.priority,
        task_versions.points,
        task_versions.time_estimate_ms,
        task_versions.time_spent_ms,
        task_versions.due_at,
        task_versions.extras_row_id,
        task_versions.loaded_at,
        task_versions.extras_xmin,
        task_versions.deleted_at,
        -- a version never takes effect before the one stored before it (out-of-order date_updated)
        max(
            coalesce(task_versions.deleted_at, task_versions.updated_at, task_versions.extracted_at)
        ) over (
            partition by task_versions.task_id order by task_versions.extras_row_id
            rows between unbounded preceding and current row
        ) as effective_at
    from task_versions

),

dated as (

    select
        ordered.*,
        ({{ clickup_extras.to_local_time('ordered.effective_at') }})::date as effective_date
    from ordered

),

final as (

    select
        dated.*,
        dated.deleted_at is not null as is_deletion,
        lead(dated.effective_date) over (
            partition by dated.task_id order by dated.extras_row_id
        ) as next_effective_date,
        lead(dated.extras_row_id) over (
            partition by dated.task_id order by dated.extras_row_id
        ) is null as is_latest
    from dated

)

select * from final
