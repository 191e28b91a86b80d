with

source as (

    select * from {{ source('clickup_extras', 'time_entry_scans__current') }}

),

renamed as (

    select

        ----------  ids
        team_id::text as team_id,

        ----------  numerics
        entry_count::bigint as entry_count,

        ----------  json (arrays and objects)
        entry_ids::jsonb as entry_ids,

        ----------  timestamps (UTC)
        window_start::timestamptz as window_start_at,
        window_end::timestamptz as window_end_at,
        scanned_at::timestamptz as scanned_at,

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
