{#
    Airbyte's ClickUp `task` stream (airbyte-source-clickup-api manifest), read only.

    * Materialized as a TABLE on purpose: a view would depend on Airbyte's table and block Airbyte
      from dropping and recreating it during a sync.
    * Absent table (standalone mode) or var('airbyte_tasks_enabled') / var('airbyte_enabled') false:
      an empty row set with the same columns, so everything downstream falls back to our own
      `tasks` stream.
    * Rows whose `_airbyte_meta` lists changes (Airbyte nulled or truncated a value while loading)
      are kept and flagged (`has_airbyte_changes`).
    * Missing columns (the manifest declares few; `archived`, `custom_fields`, `team_id`… are only
      present when the destination keeps undeclared properties) become typed nulls.
#}
{{ config(materialized='table') }}

{%- set airbyte_relation = clickup_extras.airbyte_relation('tasks') %}

{#- (raw value, its tolerant cast) of every value read from text: any unreadable one flags the row -#}
{%- set unreadable_checks = [
    ("folder ->> 'hidden'", clickup_extras.safe_boolean("folder ->> 'hidden'")),
    ("creator ->> 'id'", clickup_extras.safe_bigint("creator ->> 'id'")),
    ("time_estimate", clickup_extras.safe_bigint('time_estimate')),
    ("time_spent", clickup_extras.safe_bigint('time_spent')),
] %}
{%- set ms_date_columns = ['date_created', 'date_updated', 'date_closed', 'date_done', 'due_date', 'start_date'] %}
{%- for column in ms_date_columns %}{% do unreadable_checks.append(
    (column, clickup_extras.safe_ms_to_timestamp(column))
) %}{% endfor %}
{%- for array in ['assignees', 'watchers'] -%}
    {%- do unreadable_checks.append((
        "(select string_agg(element ->> 'id', ',') from jsonb_array_elements(case when jsonb_typeof(" ~ array ~ ") = 'array' then " ~ array ~ " end) as element where (element ->> 'id') is not null and " ~ clickup_extras.safe_bigint("element ->> 'id'") ~ " is null)",
        "null::bigint",
    )) -%}
{%- endfor %}

with

source as (

    {{ clickup_extras.select_columns_tolerantly(airbyte_relation, [
        ['id', 'text'],
        ['custom_id', 'text'],
        ['team_id', 'text'],
        ['name', 'text'],
        ['status', 'jsonb'],
        ['orderindex', 'text'],
        ['archived', 'boolean'],
        ['parent', 'text'],
        ['top_level_parent', 'text'],
        ['list', 'jsonb'],
        ['folder', 'jsonb'],
        ['space', 'jsonb'],
        ['creator', 'jsonb'],
        ['assignees', 'jsonb'],
        ['watchers', 'jsonb'],
        ['tags', 'jsonb'],
        ['priority', 'jsonb'],
        ['points', 'numeric'],
        ['time_estimate', 'text'],
        ['time_spent', 'text'],
        ['date_created', 'text'],
        ['date_updated', 'text'],
        ['date_closed', 'text'],
        ['date_done', 'text'],
        ['due_date', 'text'],
        ['start_date', 'text'],
        ['url', 'text'],
        ['custom_fields', 'jsonb'],
        ['_airbyte_raw_id', 'text'],
        ['_airbyte_extracted_at', 'timestamptz'],
        ['_airbyte_meta', 'jsonb'],
    ]) | indent(4) }}

),

renamed as (

    select

        ----------  ids
        id as task_id,
        custom_id as custom_task_id,
        team_id,
        parent as parent_task_id,
        top_level_parent as top_level_parent_task_id,
        list ->> 'id' as list_id,
        -- ClickUp reports folderless lists under a hidden pseudo-folder: no folder for us
        case
            when {{ clickup_extras.safe_boolean("folder ->> 'hidden'") }} then null
            else folder ->> 'id'
        end as folder_id,
        space ->> 'id' as space_id,
        {{ clickup_extras.safe_bigint("creator ->> 'id'") }} as creator_user_id,
        _airbyte_raw_id as airbyte_raw_id,

        ----------  strings
        name as task_name,
        status ->> 'status' as status,
        status ->> 'type' as status_type,
        status ->> 'color' as status_color,
        orderindex,
        priority ->> 'priority' as priority,
        url as task_url,

        ----------  numerics
        points,
        {{ clickup_extras.safe_bigint('time_estimate') }} as time_estimate_ms,
        {{ clickup_extras.safe_bigint('time_spent') }} as time_spent_ms,

        ----------  booleans
        archived as is_archived,
        {{ clickup_extras.airbyte_meta_has_changes('_airbyte_meta') }} as has_airbyte_changes,
        -- a value was there but could not be read (its column is null): the row is kept
        (
            {%- for raw, cast in unreadable_checks %}
            {{ clickup_extras.is_unreadable(raw, cast) }}{{ " or" if not loop.last }}
            {%- endfor %}
        ) as has_unreadable_values,

        ----------  json (arrays of objects reduced to the ids / names our stream carries)
        {{ clickup_extras.jsonb_array_pluck('assignees', 'id', 'bigint') }} as assignee_ids,
        {{ clickup_extras.jsonb_array_pluck('watchers', 'id', 'bigint') }} as watcher_ids,
        {{ clickup_extras.jsonb_array_pluck('tags', 'name') }} as tags,
        custom_fields,
        _airbyte_meta as airbyte_meta,

        ----------  timestamps (UTC; ClickUp's ms-since-epoch strings)
        {{ clickup_extras.ms_to_timestamp('date_created') }} as created_at,
        {{ clickup_extras.ms_to_timestamp('date_updated') }} as updated_at,
        {{ clickup_extras.ms_to_timestamp('date_closed') }} as closed_at,
        {{ clickup_extras.ms_to_timestamp('date_done') }} as done_at,
        {{ clickup_extras.ms_to_timestamp('due_date') }} as due_at,
        {{ clickup_extras.ms_to_timestamp('start_date') }} as start_at,
        _airbyte_extracted_at as extracted_at

    from source

)

select * from renamed
