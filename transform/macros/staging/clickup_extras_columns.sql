{#
    Renames and casts of the ClickUp streams that target-extras lands in `var('clickup_extras_schema')`.

    Each stream is read twice with the same columns: `stg_clickup_extras__<entity>` reads the
    `<stream>__current` view, `stg_clickup_extras__<entity>_history` reads the append-only `<stream>`
    table. The select list lives here, once per entity, so the pair cannot drift apart:

        renamed as (

            select {{ clickup_extras.stg_clickup_extras__<entity>_columns() }}
            from source

        )

    Every stream carries the same target-extras load metadata, emitted last by
    stg_clickup_extras__load_metadata_columns().
#}

{% macro stg_clickup_extras__tasks_columns() %}

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
        relationship_keys::jsonb as relationship_keys,

        ----------  timestamps (UTC)
        date_created::timestamptz as created_at,
        date_updated::timestamptz as updated_at,
        date_closed::timestamptz as closed_at,
        date_done::timestamptz as done_at,
        due_date::timestamptz as due_at,
        start_date::timestamptz as start_at,

        {{ clickup_extras.stg_clickup_extras__load_metadata_columns() }}
{%- endmacro %}

{% macro stg_clickup_extras__time_entries_columns() %}

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

        {{ clickup_extras.stg_clickup_extras__load_metadata_columns() }}
{%- endmacro %}

{% macro stg_clickup_extras__task_custom_field_values_columns() %}

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

        {{ clickup_extras.stg_clickup_extras__load_metadata_columns() }}
{%- endmacro %}

{% macro stg_clickup_extras__lists_columns() %}

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

        {{ clickup_extras.stg_clickup_extras__load_metadata_columns() }}
{%- endmacro %}

{% macro stg_clickup_extras__members_columns() %}

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

        {{ clickup_extras.stg_clickup_extras__load_metadata_columns() }}
{%- endmacro %}

{% macro stg_clickup_extras__custom_fields_columns() %}

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

        {{ clickup_extras.stg_clickup_extras__load_metadata_columns() }}
{%- endmacro %}

{% macro stg_clickup_extras__folders_columns() %}

        ----------  ids
        id::text as folder_id,
        team_id::text as team_id,
        space_id::text as space_id,

        ----------  strings
        "name"::text as folder_name,

        ----------  numerics
        orderindex::bigint as orderindex,
        task_count::bigint as task_count,

        ----------  booleans
        "hidden"::boolean as is_hidden,
        archived::boolean as is_archived,
        override_statuses::boolean as has_override_statuses,

        {{ clickup_extras.stg_clickup_extras__load_metadata_columns() }}
{%- endmacro %}

{% macro stg_clickup_extras__spaces_columns() %}

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

        {{ clickup_extras.stg_clickup_extras__load_metadata_columns() }}
{%- endmacro %}

{% macro stg_clickup_extras__time_entry_scans_columns() %}

        ----------  ids
        team_id::text as team_id,

        ----------  numerics
        entry_count::bigint as entry_count,

        ----------  json (arrays and objects)
        entry_ids::jsonb as entry_ids,
        assignee_ids::jsonb as assignee_ids,

        ----------  timestamps (UTC)
        window_start::timestamptz as window_start_at,
        window_end::timestamptz as window_end_at,
        scanned_at::timestamptz as scanned_at,

        {{ clickup_extras.stg_clickup_extras__load_metadata_columns() }}
{%- endmacro %}

{% macro stg_clickup_extras__workspaces_columns() %}

        ----------  ids
        id::text as team_id,

        ----------  strings
        "name"::text as workspace_name,
        color::text as workspace_color,
        avatar::text as avatar_url,

        ----------  numerics
        member_count::bigint as member_count,

        {{ clickup_extras.stg_clickup_extras__load_metadata_columns() }}
{%- endmacro %}

{#- target-extras load metadata, common to every stream; the last columns of each list -#}
{% macro stg_clickup_extras__load_metadata_columns() -%}
        ----------  load metadata (target-extras)
        _extras_row_id::bigint as extras_row_id,
        _extras_batch_id::uuid as extras_batch_id,
        _extras_record_hash::text as extras_record_hash,
        _extras_extracted_at::timestamptz as extracted_at,
        _extras_loaded_at::timestamptz as loaded_at,
        _extras_deleted_at::timestamptz as deleted_at
{%- endmacro %}

{% macro stg_clickup_extras__task_relationships_columns() %}

        ----------  ids
        task_id::text as task_id,
        related_task_id::text as related_task_id,
        kind::text as kind,
        field_id::text as field_id,
        team_id::text as team_id,
        user_id::bigint as user_id,
        link_id::text as link_id,

        ----------  numerics
        dependency_type::bigint as dependency_type,

        ----------  timestamps (UTC)
        date_created::timestamptz as created_at,

        {{ clickup_extras.stg_clickup_extras__load_metadata_columns() }}
{%- endmacro %}

{% macro stg_clickup_extras__task_status_history_columns() %}

        ----------  ids
        task_id::text as task_id,
        status::text as status,
        team_id::text as team_id,

        ----------  strings
        "type"::text as status_type,
        color::text as status_color,

        ----------  numerics
        orderindex::bigint as orderindex,
        total_minutes::bigint as total_minutes,

        ----------  booleans
        is_current::boolean as is_current,

        ----------  timestamps (UTC)
        since::timestamptz as since_at,
        current_since::timestamptz as current_since_at,

        {{ clickup_extras.stg_clickup_extras__load_metadata_columns() }}
{%- endmacro %}

{% macro stg_clickup_extras__task_templates_columns() %}

        ----------  ids
        id::text as task_template_id,
        team_id::text as team_id,

        ----------  strings
        "name"::text as task_template_name,

        {{ clickup_extras.stg_clickup_extras__load_metadata_columns() }}
{%- endmacro %}

{% macro stg_clickup_extras__comments_columns() %}

        ----------  ids
        id::text as comment_id,
        task_id::text as task_id,
        team_id::text as team_id,
        user_id::bigint as author_user_id,
        assignee_id::bigint as assignee_user_id,
        assigned_by_id::bigint as assigned_by_user_id,

        ----------  strings
        comment_text::text as comment_text,

        ----------  numerics
        reply_count::bigint as reply_count,

        ----------  booleans
        resolved::boolean as is_resolved,

        ----------  timestamps (UTC)
        "date"::timestamptz as commented_at,

        {{ clickup_extras.stg_clickup_extras__load_metadata_columns() }}
{%- endmacro %}

{% macro stg_clickup_extras__comment_scans_columns() %}

        ----------  ids
        task_id::text as task_id,
        team_id::text as team_id,

        ----------  numerics
        comment_count::bigint as comment_count,

        ----------  json (arrays and objects)
        comment_ids::jsonb as comment_ids,

        ----------  timestamps (UTC)
        scanned_at::timestamptz as scanned_at,

        {{ clickup_extras.stg_clickup_extras__load_metadata_columns() }}
{%- endmacro %}
