with

source as (

    select * from {{ source('clickup_extras', 'custom_fields__current') }}

),

renamed as (

    select

        ----------  ids
        id::text as field_id,
        team_id::text as team_id,

        ----------  strings
        "name"::text as field_name,
        "type"::text as field_type,

        ----------  booleans
        hide_from_guests::boolean as is_hidden_from_guests,
        "required"::boolean as is_required,

        ----------  json (arrays and objects)
        type_config::jsonb as type_config,
        "options"::jsonb as options,

        ----------  timestamps (UTC)
        date_created::timestamptz as created_at,

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
