with

source as (

    select * from {{ source('clickup_extras', 'members__current') }}

),

renamed as (

    select

        ----------  ids
        team_id::text as team_id,
        user_id::bigint as user_id,

        ----------  strings
        username::text as username,
        email::text as email,
        initials::text as initials,
        color::text as user_color,

        ----------  numerics
        "role"::bigint as role_code,

        ----------  timestamps (UTC)
        date_joined::timestamptz as joined_at,
        date_invited::timestamptz as invited_at,
        last_active::timestamptz as last_active_at,

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
