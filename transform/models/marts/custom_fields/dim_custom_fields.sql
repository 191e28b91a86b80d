-- One row per current custom field definition.
with

definitions as (

    select * from {{ ref('stg_clickup_extras__custom_fields') }}

),

field_values as (

    select * from {{ ref('stg_clickup_extras__task_custom_field_values') }}
    -- values of deleted tasks are not in use
    where task_id not in (select deleted.task_id from {{ ref('int_tasks_deleted') }} as deleted)

),

usage as (

    select
        field_id,
        count(*) as task_count,
        count(*) filter (where has_value) as task_with_value_count
    from field_values
    group by field_id

),

final as (

    select
        definitions.field_id,
        definitions.team_id,
        definitions.field_name,
        definitions.field_type,
        definitions.type_config,
        coalesce(definitions.options, '[]'::jsonb) as options,
        case
            when jsonb_typeof(definitions.options) = 'array' then jsonb_array_length(definitions.options)
            else 0
        end as option_count,
        coalesce(definitions.is_hidden_from_guests, false) as is_hidden_from_guests,
        coalesce(definitions.is_required, false) as is_required,
        coalesce(usage.task_count, 0) as task_count,
        coalesce(usage.task_with_value_count, 0) as task_with_value_count,
        definitions.created_at,
        definitions.extracted_at
    from definitions
    left join usage
        on definitions.field_id = usage.field_id

)

select * from final
