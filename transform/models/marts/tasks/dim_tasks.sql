{#-
    The contract is enforced unless var('dim_tasks_custom_field_columns') asks for extra cf_* columns,
    which YAML cannot declare ahead of time.
-#}
{%- set custom_field_columns = clickup_extras.dim_tasks_custom_field_columns() -%}
{{ config(contract={'enforced': custom_field_columns | length == 0}) }}

{#- columns Airbyte's task stream carries: taken from Airbyte when its version is fresher -#}
{%- set airbyte_columns = [
    'task_name', 'status', 'status_type', 'status_color', 'orderindex', 'parent_task_id',
    'list_id', 'folder_id', 'space_id', 'creator_user_id', 'assignee_ids', 'tags', 'priority',
    'time_estimate_ms', 'time_spent_ms', 'created_at', 'updated_at', 'closed_at', 'due_at',
    'start_at', 'task_url', 'extracted_at'
] -%}
{#- columns Airbyte may lack (undeclared in its manifest): Airbyte's when present, else ours -#}
{%- set optional_airbyte_columns = [
    'custom_task_id', 'top_level_parent_task_id', 'is_archived', 'watcher_ids', 'points', 'done_at'
] -%}

with

extras_tasks as (

    select * from {{ ref('stg_clickup_extras__tasks') }}

),

airbyte_tasks as (

    select * from {{ ref('int_airbyte_tasks_deduplicated') }}

),

lists as (

    select * from {{ ref('stg_clickup_extras__lists') }}

),

task_custom_fields as (

    select * from {{ ref('int_task_custom_fields_aggregated') }}

),

-- tasks deleted in ClickUp (a complete scan or a taskDeleted webhook): gone, whatever Airbyte holds
deleted_tasks as (

    select task_id from {{ ref('int_tasks_deleted') }}

),

compared as (

    select
        coalesce(extras_tasks.task_id, airbyte_tasks.task_id) as task_id,
        case
            when airbyte_tasks.task_id is null then 'clickup_extras'
            when extras_tasks.task_id is null then 'airbyte'
            when airbyte_tasks.updated_at > extras_tasks.updated_at then 'airbyte'
            when extras_tasks.updated_at is null and airbyte_tasks.updated_at is not null then 'airbyte'
            else 'clickup_extras'
        end as source_system,
        {%- for column in airbyte_columns + optional_airbyte_columns %}
        extras_tasks.{{ column }} as extras_{{ column }},
        airbyte_tasks.{{ column }} as airbyte_{{ column }},
        {%- endfor %}
        extras_tasks.team_id as extras_team_id
    from extras_tasks
    full outer join airbyte_tasks
        on extras_tasks.task_id = airbyte_tasks.task_id

),

reconciled as (

    select
        compared.task_id,
        compared.source_system,
        {%- for column in airbyte_columns %}
        case
            when compared.source_system = 'airbyte' then compared.airbyte_{{ column }}
            else compared.extras_{{ column }}
        end as {{ column }},
        {%- endfor %}
        {%- for column in optional_airbyte_columns %}
        case
            when compared.source_system = 'airbyte'
                then coalesce(compared.airbyte_{{ column }}, compared.extras_{{ column }})
            else compared.extras_{{ column }}
        end as {{ column }},
        {%- endfor %}
        compared.extras_team_id
    from compared
    left join deleted_tasks
        on compared.task_id = deleted_tasks.task_id
    where deleted_tasks.task_id is null

),

final as (

    select
        reconciled.task_id,
        reconciled.custom_task_id,
        coalesce(reconciled.extras_team_id, lists.team_id) as team_id,
        reconciled.list_id,
        reconciled.folder_id,
        reconciled.space_id,
        reconciled.parent_task_id,
        reconciled.top_level_parent_task_id,
        reconciled.creator_user_id,
        reconciled.task_name,
        reconciled.status,
        reconciled.status_type,
        reconciled.status_color,
        reconciled.orderindex,
        reconciled.priority,
        reconciled.task_url,
        reconciled.points,
        reconciled.time_estimate_ms,
        reconciled.time_spent_ms,
        coalesce(reconciled.is_archived, false) as is_archived,
        reconciled.parent_task_id is not null as is_subtask,
        reconciled.assignee_ids,
        reconciled.watcher_ids,
        reconciled.tags,
        coalesce(task_custom_fields.custom_fields, '{}'::jsonb) as custom_fields,
        reconciled.created_at,
        reconciled.updated_at,
        reconciled.closed_at,
        reconciled.done_at,
        reconciled.due_at,
        reconciled.start_at,
        reconciled.source_system,
        -- one column per configured custom field: LT02 cannot place the comma that follows the
        -- loop tag (and the loop is empty by default), so it is off for these lines.
        -- noqa: disable=LT02
        reconciled.extracted_at
        {%- for field_name, column_name in custom_field_columns %},
        (
            select custom_field.value ->> 'value_text'
            from jsonb_each(task_custom_fields.custom_fields) as custom_field (key, value)
            where custom_field.value ->> 'name' = {{ clickup_extras.sql_literal(field_name) }}
            order by custom_field.key
            limit 1
        ) as {{ adapter.quote(column_name) }}
        {%- endfor %}
    from reconciled -- noqa: enable=LT02
    left join lists
        on reconciled.list_id = lists.list_id
    left join task_custom_fields
        on reconciled.task_id = task_custom_fields.task_id

)

select * from final
