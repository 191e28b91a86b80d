-- One row per stored webhook delivery, duplicates included: the receiver's columns, renamed and cast.
-- The receiver creates its table on start: until it exists (no webhooks set up) this model is
-- empty, with the same columns (checked at run time; the view is rebuilt by every dbt run).
{%- set deliveries = source('clickup_webhooks', 'webhook_deliveries') %}
{%- set existing = adapter.get_relation(
    database=deliveries.database, schema=deliveries.schema, identifier=deliveries.identifier
) if execute else none %}

with

source as (

    {%- if existing is not none or not execute %}
    -- xmin: the writing transaction, for the build horizons (macros/build_horizon.sql)
    select
        *,
        xmin as delivery_xmin
    from {{ existing if existing is not none else deliveries }}
    {%- else %}
    -- the receiver's column names, `event` included
    select
        null::bigint as delivery_id,
        null::timestamptz as received_at,
        null::text as webhook_id,
        null::text as event,  -- noqa: RF04
        null::text as task_id,
        null::text as list_id,
        null::text as folder_id,
        null::text as space_id,
        null::text as goal_id,
        null::text as key_result_id,
        null::text[] as history_item_ids,
        null::jsonb as body,
        null::text as body_sha256,
        null::text as secret_id,
        null::xid as delivery_xmin
    where false
    {%- endif %}

),

renamed as (

    select

        ----------  ids
        delivery_id::bigint as delivery_id,
        webhook_id::text as webhook_id,
        task_id::text as task_id,
        list_id::text as list_id,
        folder_id::text as folder_id,
        space_id::text as space_id,
        goal_id::text as goal_id,
        key_result_id::text as key_result_id,

        ----------  strings
        event::text as event_name,
        body_sha256::text as body_sha256,
        secret_id::text as secret_id,

        ----------  numerics
        coalesce(cardinality(history_item_ids), 0)::integer as history_item_count,

        ----------  json
        body::jsonb as body,

        ----------  timestamps (UTC)
        received_at::timestamptz as received_at,

        ----------  system
        delivery_xmin

    from source

)

select * from renamed
