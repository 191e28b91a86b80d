-- One row per relationship that currently holds, seen from one side (both sides of a dependency,
-- link or parent/subtask pair have their own row; data-contracts §1, task_relationships).
with

relationships as (

    select * from {{ ref('stg_clickup_extras__task_relationships') }}

),

tasks as (

    select * from {{ ref('stg_clickup_extras__tasks') }}

),

deleted_tasks as (

    select task_id from {{ ref('int_tasks_deleted') }}

),

custom_fields as (

    select * from {{ ref('stg_clickup_extras__custom_fields') }}

),

-- A row of task T holds while T's current relationship_keys lists it (tasks loaded before the tap
-- sent relationship_keys: while T is current); a subtask row (P, C) holds while C's parent is P.
current_relationships as (

    select relationships.*
    from relationships
    inner join tasks
        on relationships.task_id = tasks.task_id
    where
        relationships.kind <> 'subtask'
        and coalesce(
            tasks.relationship_keys ? (
                relationships.kind || ':' || relationships.related_task_id
                || case when relationships.field_id <> '' then ':' || relationships.field_id else '' end
            ),
            tasks.relationship_keys is null
        )

    union all

    select relationships.*
    from relationships
    inner join tasks as subtasks
        on relationships.related_task_id = subtasks.task_id
    where
        relationships.kind = 'subtask'
        and subtasks.parent_task_id = relationships.task_id

),

final as (

    select
        md5(
            current_relationships.task_id || '|' || current_relationships.related_task_id || '|'
            || current_relationships.kind || '|' || current_relationships.field_id
        ) as relationship_id,
        current_relationships.task_id,
        current_relationships.related_task_id,
        current_relationships.kind,
        case current_relationships.kind
            when 'waiting_on' then 'blocking'
            when 'blocking' then 'waiting_on'
            when 'linked' then 'linked'
            when 'parent' then 'subtask'
            when 'subtask' then 'parent'
        end as inverse_kind,
        case
            when current_relationships.kind in ('waiting_on', 'blocking') then 'dependency'
            when current_relationships.kind = 'linked' then 'link'
            when current_relationships.kind in ('parent', 'subtask') then 'hierarchy'
            else 'custom_field'
        end as relationship_type,
        nullif(current_relationships.field_id, '') as field_id,
        custom_fields.field_name,
        current_relationships.team_id,
        current_relationships.dependency_type,
        current_relationships.created_at,
        current_relationships.user_id as created_by_user_id,
        current_relationships.extracted_at
    from current_relationships
    left join custom_fields
        on nullif(current_relationships.field_id, '') = custom_fields.field_id
    -- a deleted task leaves on both sides (the other side may not have been read again yet)
    where
        not exists (
            select 1 as is_deleted
            from deleted_tasks
            where deleted_tasks.task_id in (current_relationships.task_id, current_relationships.related_task_id)
        )

)

select * from final
