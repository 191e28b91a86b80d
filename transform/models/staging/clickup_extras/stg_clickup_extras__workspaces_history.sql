with

source as (

    select * from {{ source('clickup_extras', 'workspaces') }}

),

renamed as (

    select

        ----------  ids
        id::text as team_id,

        ----------  strings
        "name"::text as workspace_name,
        color::text as workspace_color,
        avatar::text as avatar_url,

        ----------  numerics
        member_count::bigint as member_count,

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
