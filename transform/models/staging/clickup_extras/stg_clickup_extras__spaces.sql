with

source as (

    select * from {{ source('clickup_extras', 'spaces__current') }}

),

renamed as (

    select

        ----------  ids
        id::text as space_id,
        team_id::text as team_id,

        ----------  strings
        "name"::text as space_name,
        color::text as space_color,

        ----------  booleans
        "private"::boolean as is_private,
        archived::boolean as is_archived,
        multiple_assignees::boolean as has_multiple_assignees,

        ----------  json (arrays and objects)
        statuses::jsonb as statuses,

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
