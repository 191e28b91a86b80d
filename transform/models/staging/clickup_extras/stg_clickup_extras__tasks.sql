with

source as (

    select * from {{ source('clickup_extras', 'tasks__current') }}

),

renamed as (

    select

        ----------  ids
        id::text as task_id,
        custom_id::text as custom_task_id,
        team_id::text as team_id,
        parent::text as parent_task_id,
        top_level_parent::text as top_level_parent_task_id,
        list_id::text as list_id,
        folder_id::text as folder_id,
        space_id::text as space_id,
        creator_id::bigint as creator_user_id,

        ----------  strings
        "name"::text as task_name,
        status::text as status,
        status_type::text as status_type,
        status_color::text as status_color,
        orderindex::text as orderindex,
        priority::text as priority,
        url::text as task_url,

        ----------  numerics
        points::numeric as points,
        time_estimate_ms::bigint as time_estimate_ms,
        time_spent_ms::bigint as time_spent_ms,

        ----------  booleans
        archived::boolean as is_archived,

        ----------  json (arrays and objects)
        assignee_ids::jsonb as assignee_ids,
        watcher_ids::jsonb as watcher_ids,
        tags::jsonb as tags,
        custom_field_ids::jsonb as custom_field_ids,

        ----------  timestamps (UTC)
        date_created::timestamptz as created_at,
        date_updated::timestamptz as updated_at,
        date_closed::timestamptz as closed_at,
        date_done::timestamptz as done_at,
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
