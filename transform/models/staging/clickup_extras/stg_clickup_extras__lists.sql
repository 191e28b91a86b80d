with

source as (

    select * from {{ source('clickup_extras', 'lists__current') }}

),

renamed as (

    select

        ----------  ids
        id::text as list_id,
        team_id::text as team_id,
        space_id::text as space_id,
        folder_id::text as folder_id,

        ----------  strings
        "name"::text as list_name,

        ----------  numerics
        orderindex::bigint as orderindex,
        task_count::bigint as task_count,

        ----------  booleans
        folderless::boolean as is_folderless,
        archived::boolean as is_archived,

        ----------  timestamps (UTC)
        due_date::timestamptz as due_at,
        start_date::timestamptz as start_at,

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
