-- One row per task: its current custom field values as one jsonb object keyed by field_id.
-- Only the fields the task's current payload still carries count: a task moved to another list
-- keeps old value rows for fields it no longer has (tasks.custom_field_ids lists the live ones).
with

field_values as (

    select * from {{ ref('stg_clickup_extras__task_custom_field_values') }}

),

tasks as (

    select
        task_id,
        custom_field_ids
    from {{ ref('stg_clickup_extras__tasks') }}
    -- deleted tasks have no current values (a webhook may report it before the reconciliation)
    where task_id not in (select deleted.task_id from {{ ref('int_tasks_deleted') }} as deleted)

),

definitions as (

    select * from {{ ref('stg_clickup_extras__custom_fields') }}

),

described as (

    select
        field_values.task_id,
        field_values.field_id,
        -- the current definition names the field; the value's own copy covers unseen definitions
        {{ clickup_extras.custom_field_name_and_type('field_values') }},
        field_values.has_value,
        field_values.value_text,
        field_values.value_json
    from field_values
    inner join tasks
        on field_values.task_id = tasks.task_id
        and tasks.custom_field_ids ? field_values.field_id
    left join definitions
        on field_values.field_id = definitions.field_id

),

aggregated as (

    select
        task_id,
        jsonb_object_agg(
            field_id,
            jsonb_build_object(
                'name', field_name,
                'type', field_type,
                'has_value', has_value,
                'value_text', value_text,
                'value_json', value_json
            )
        ) as custom_fields,
        count(*) as custom_field_count,
        count(*) filter (where has_value) as custom_field_set_count
    from described
    group by task_id

)

select * from aggregated
