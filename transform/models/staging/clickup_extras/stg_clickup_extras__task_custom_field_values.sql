with

source as (

    select * from {{ source('clickup_extras', 'task_custom_field_values__current') }}

),

renamed as (

    select

        ----------  ids
        task_id::text as task_id,
        field_id::text as field_id,
        team_id::text as team_id,

        ----------  strings
        field_name::text as field_name,
        field_type::text as field_type,
        value_text::text as value_text,

        ----------  numerics
        value_number::numeric as value_number,

        ----------  booleans
        has_value::boolean as has_value,
        value_boolean::boolean as value_boolean,

        ----------  json (arrays and objects)
        value_option_ids::jsonb as value_option_ids,
        value_option_names::jsonb as value_option_names,
        value_user_ids::jsonb as value_user_ids,
        value_task_ids::jsonb as value_task_ids,
        value_json::jsonb as value_json,

        ----------  timestamps (UTC)
        value_datetime::timestamptz as value_datetime,
        task_date_updated::timestamptz as task_updated_at,

        ----------  load metadata (target-extras)
        _extras_row_id::bigint as extras_row_id,
        _extras_batch_id::uuid as extras_batch_id,
        _extras_record_hash::text as extras_record_hash,
        _extras_extracted_at::timestamptz as extracted_at,
        _extras_loaded_at::timestamptz as loaded_at,
        _extras_deleted_at::timestamptz as deleted_at

    from source

)

select * from renamed
