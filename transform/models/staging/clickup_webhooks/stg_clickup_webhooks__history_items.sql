-- One row per history item of each stored delivery (duplicates included), in body order.
-- Tolerant of payload variety: a body without a `history_items` array yields no rows, items that
-- are not objects or lack an id are skipped, and every property is read defensively (text ids,
-- `date` as ms in a string or a number, `user` missing or not an object).
{%- set read_date = clickup_extras.safe_ms_to_timestamp("item ->> 'date'") %}
{%- set read_user_id = clickup_extras.safe_bigint("item -> 'user' ->> 'id'") %}

with

deliveries as (

    select * from {{ ref('stg_clickup_webhooks__deliveries') }}

),

items as (

    select
        deliveries.delivery_id,
        deliveries.webhook_id,
        deliveries.event_name,
        deliveries.task_id as delivery_task_id,
        deliveries.received_at,
        deliveries.delivery_xmin,
        item.ordinality as item_position,
        item.value as item
    from deliveries
    cross join lateral jsonb_array_elements(
        case
            when jsonb_typeof(deliveries.body -> 'history_items') = 'array'
                then deliveries.body -> 'history_items'
            else '[]'::jsonb
        end
    ) with ordinality as item (value, ordinality)

),

renamed as (

    select

        ----------  ids
        delivery_id,
        webhook_id,
        item ->> 'id' as history_item_id,
        coalesce(nullif(item ->> 'task_id', ''), delivery_task_id) as task_id,
        item ->> 'parent_id' as parent_id,
        case
            when item ->> 'field' = 'custom_field' and jsonb_typeof(item -> 'custom_field') = 'object'
                then item -> 'custom_field' ->> 'id'
        end as custom_field_id,
        case
            when jsonb_typeof(item -> 'user') = 'object' and (item -> 'user' ->> 'id') ~ '^-?[0-9]{1,18}$'
                then (item -> 'user' ->> 'id')::bigint
        end as user_id,

        ----------  strings
        event_name,
        item ->> 'field' as field,
        item ->> 'type' as item_type,
        case when jsonb_typeof(item -> 'user') = 'object' then item -> 'user' ->> 'username' end as username,
        case
            when jsonb_typeof(item -> 'custom_field') = 'object' then item -> 'custom_field' ->> 'name'
        end as custom_field_name,
        case
            when jsonb_typeof(item -> 'custom_field') = 'object' then item -> 'custom_field' ->> 'type'
        end as custom_field_type,

        ----------  numerics
        item_position::integer as item_position,

        ----------  json
        item -> 'before' as value_before_json,
        item -> 'after' as value_after_json,
        item -> 'data' as item_data,
        case when jsonb_typeof(item -> 'custom_field') = 'object' then item -> 'custom_field' end as custom_field,

        ----------  booleans
        -- a date or user id was there but could not be read (changed_at / user_id null): kept
        (
            {{ clickup_extras.is_unreadable("item ->> 'date'", read_date) }}
            or (
                jsonb_typeof(item -> 'user') = 'object'
                and {{ clickup_extras.is_unreadable("item -> 'user' ->> 'id'", read_user_id) }}
            )
        ) as has_unreadable_values,

        ----------  timestamps (UTC)
        case
            when
                (item ->> 'date') ~ '^[0-9]{1,15}(\.[0-9]+)?$'
                then {{ clickup_extras.ms_to_timestamp("item ->> 'date'") }}
        end as changed_at,
        received_at,

        ----------  system
        delivery_xmin

    from items
    where
        jsonb_typeof(item) = 'object'
        and nullif(item ->> 'id', '') is not null

)

select * from renamed
