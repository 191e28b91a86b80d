with

source as (

    select * from {{ source('clickup_extras', 'time_entries__current') }}

),

renamed as (

    select

        ----------  ids
        id::text as time_entry_id,
        team_id::text as team_id,
        user_id::bigint as user_id,
        task_id::text as task_id,
        list_id::text as list_id,
        folder_id::text as folder_id,
        space_id::text as space_id,

        ----------  strings
        user_email::text as user_email,
        description::text as description,
        "source"::text as entry_source,

        ----------  numerics
        duration_ms::bigint as duration_ms,

        ----------  booleans
        is_running::boolean as is_running,
        billable::boolean as is_billable,

        ----------  json (arrays and objects)
        tags::jsonb as tags,

        ----------  timestamps (UTC)
        "start"::timestamptz as started_at,
        "end"::timestamptz as ended_at,
        "at"::timestamptz as entry_updated_at,

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
