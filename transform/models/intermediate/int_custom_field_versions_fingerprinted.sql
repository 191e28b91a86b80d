-- Every stored version of each (task_id, field_id) with a fingerprint of its decoded value.
-- No join here: fct_custom_field_changes reads the versions of a few pairs on incremental runs,
-- and a single-table view lets PostgreSQL use the landing table's (task_id, field_id) index.
with

field_versions as (

    select * from {{ ref('stg_clickup_extras__task_custom_field_values_history') }}

),

fingerprinted as (

    select
        task_id,
        field_id,
        field_name,
        field_type,
        has_value,
        value_text,
        value_json,
        -- the decoded value only: a version whose raw value_json differs in embedded details alone
        -- (a linked task's name, a user's avatar) has the same fingerprint as the one before
        md5(concat_ws(
            '|',
            has_value::text,
            value_text,
            value_number::text,
            value_boolean::text,
            value_datetime::text,
            value_option_ids::text,
            value_user_ids::text,
            value_task_ids::text
        )) as value_fingerprint,
        task_updated_at,
        extras_row_id,
        extracted_at,
        loaded_at,
        deleted_at,
        extras_xmin
    from field_versions

)

select * from fingerprinted
