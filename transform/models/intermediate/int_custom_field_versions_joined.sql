-- Every stored version of each (task_id, field_id), named and typed by the current field definition.
with

field_versions as (

    select * from {{ ref('stg_clickup_extras__task_custom_field_values_history') }}

),

definitions as (

    select * from {{ ref('stg_clickup_extras__custom_fields') }}

),

joined as (

    select
        field_versions.task_id,
        field_versions.field_id,
        -- the current definition names the field; the version's own copy covers unseen definitions
        {{ clickup_extras.custom_field_name_and_type('field_versions') }},
        field_versions.has_value,
        field_versions.value_text,
        field_versions.value_json,
        -- the decoded value only: a version whose raw value_json differs in embedded details alone
        -- (a linked task's name, a user's avatar) has the same fingerprint as the one before
        md5(concat_ws(
            '|',
            field_versions.has_value::text,
            field_versions.value_text,
            field_versions.value_number::text,
            field_versions.value_boolean::text,
            field_versions.value_datetime::text,
            field_versions.value_option_ids::text,
            field_versions.value_user_ids::text,
            field_versions.value_task_ids::text
        )) as value_fingerprint,
        field_versions.task_updated_at,
        field_versions.extras_row_id,
        field_versions.extracted_at,
        field_versions.loaded_at,
        field_versions.deleted_at
    from field_versions
    left join definitions
        on field_versions.field_id = definitions.field_id

)

select * from joined
