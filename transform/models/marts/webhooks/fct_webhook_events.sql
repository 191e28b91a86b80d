{#-
    One row per (webhook_id, event_key): event_key is the history item id, or 'sha256:<body hash>'
    for a delivery without history items. Incremental: the deliveries written since the last
    build are aggregated and folded into the stored rows of the same event_key (every webhook's
    row of that key is rewritten, so reporting_webhook_count and is_canonical_report stay right);
    the result equals a full refresh (tested).

    "Written since the last build" is by build horizon (macros/build_horizon.sql), not by
    delivery_id: the receiver inserts through a pool, so a delivery can commit after one with a
    higher id. Each build takes the deliveries whose transaction lies in [the stored horizon,
    this run's horizon) and stamps the rows it writes with its horizon (built_horizon_xid): each
    committed delivery is counted exactly once; one still uncommitted waits for the next build.
    A table built before horizons existed continues once from its highest delivery_id.
-#}
{#- indexes: dbt names them uniquely and builds them with each new table (first and full builds) -#}
{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key='event_key',
        on_schema_change='append_new_columns',
        indexes=[{'columns': ['event_key']}, {'columns': ['last_delivery_id']}, {'columns': ['task_id', 'custom_field_id']}],
        post_hook=[
            "{{ clickup_extras.analyze_after_full_build() }}",
        ],
    )
}}

{%- set horizon = clickup_extras.build_horizon() %}
{%- set previous = clickup_extras.stored_build_horizon(this) if is_incremental() else none %}
{%- set by_id = is_incremental() and previous is none %}
{%- set new_delivery = clickup_extras.written_within_horizon('delivery_xmin', horizon, previous) %}
{%- if by_id %}
{%- set new_delivery = new_delivery ~ ' and delivery_id > (select watermark.last_delivery_id from watermark)' %}
{%- endif %}

with

{% if by_id -%}
-- a table built before build horizons: its highest delivery_id, once
watermark as (

    select coalesce(max(last_delivery_id), 0) as last_delivery_id
    from {{ this }}

),

{% endif -%}

history_items as (

    select * from {{ ref('stg_clickup_webhooks__history_items') }}
    where {{ new_delivery }}

),

deliveries as (

    select * from {{ ref('stg_clickup_webhooks__deliveries') }}
    where {{ new_delivery }}

),

-- every report of an event (one per history item of a delivery, one per delivery without items),
-- each a partial aggregate of one delivery, shaped as a stored row so that one fold serves both
reports as (

    select
        webhook_id,
        history_item_id as event_key,
        history_item_id,
        task_id,
        event_name,
        field,
        item_type,
        custom_field_id,
        custom_field,
        user_id as changed_by_user_id,
        username as changed_by_username,
        value_before_json,
        value_after_json,
        item_data,
        changed_at,
        1::bigint as delivery_count,
        received_at as first_received_at,
        received_at as last_received_at,
        delivery_id as first_delivery_id,
        delivery_id as last_delivery_id,
        delivery_id as event_delivery_id
    from history_items

    union all

    select
        webhook_id,
        'sha256:' || body_sha256 as event_key,
        null::text as history_item_id,
        task_id,
        event_name,
        null::text as field,
        null::text as item_type,
        null::text as custom_field_id,
        null::jsonb as custom_field,
        null::bigint as changed_by_user_id,
        null::text as changed_by_username,
        null::jsonb as value_before_json,
        null::jsonb as value_after_json,
        null::jsonb as item_data,
        null::timestamptz as changed_at,
        1::bigint as delivery_count,
        received_at as first_received_at,
        received_at as last_received_at,
        delivery_id as first_delivery_id,
        delivery_id as last_delivery_id,
        delivery_id as event_delivery_id
    from deliveries
    where history_item_count = 0

),

{% if is_incremental() -%}
-- stored rows of the event keys seen again: every webhook's, as they are rewritten together
previous_events as (

    select
        webhook_id,
        event_key,
        history_item_id,
        task_id,
        event_name,
        field,
        item_type,
        custom_field_id,
        custom_field,
        changed_by_user_id,
        changed_by_username,
        value_before_json,
        value_after_json,
        item_data,
        changed_at,
        delivery_count,
        first_received_at,
        last_received_at,
        first_delivery_id,
        last_delivery_id,
        event_delivery_id
    from {{ this }}
    where event_key in (select reports.event_key from reports)

),

{% endif -%}

partial_events as (

    select * from reports
    {%- if is_incremental() %}
    union all
    select * from previous_events
    {%- endif %}

),

-- partial aggregates (new reports, stored rows) folded: sums, minima and maxima; content of the
-- earliest delivery; the name of the best-ranked one
folded as (

    select
        webhook_id,
        event_key,
        sum(delivery_count)::bigint as delivery_count,
        min(first_received_at) as first_received_at,
        max(last_received_at) as last_received_at,
        min(first_delivery_id) as first_delivery_id,
        max(last_delivery_id) as last_delivery_id
    from partial_events
    group by webhook_id, event_key

),

earliest as (

    select distinct on (webhook_id, event_key) *
    from partial_events
    order by webhook_id asc, event_key asc, first_delivery_id asc

),

best_named as (

    select distinct on (webhook_id, event_key)
        webhook_id,
        event_key,
        event_name,
        event_delivery_id
    from partial_events
    order by
        webhook_id asc,
        event_key asc,
        {{ clickup_extras.webhook_event_name_rank('event_name') }} asc,
        event_delivery_id asc

),

final as (

    select
        md5(folded.webhook_id || '|' || folded.event_key) as webhook_event_id,
        folded.webhook_id,
        folded.event_key,
        earliest.history_item_id,
        earliest.task_id,
        best_named.event_name,
        earliest.field,
        earliest.item_type,
        earliest.custom_field_id,
        earliest.custom_field,
        earliest.changed_by_user_id,
        earliest.changed_by_username,
        earliest.value_before_json,
        earliest.value_after_json,
        earliest.item_data,
        earliest.changed_at,
        folded.delivery_count,
        count(*) over same_event as reporting_webhook_count,
        row_number() over (
            partition by folded.event_key order by folded.first_delivery_id, folded.webhook_id
        ) = 1 as is_canonical_report,
        folded.first_received_at,
        folded.last_received_at,
        folded.first_delivery_id,
        folded.last_delivery_id,
        best_named.event_delivery_id,
        {{ horizon.xmin }}::bigint as built_horizon_xid
    from folded
    inner join earliest
        on folded.webhook_id = earliest.webhook_id
        and folded.event_key = earliest.event_key
    inner join best_named
        on folded.webhook_id = best_named.webhook_id
        and folded.event_key = best_named.event_key
    window same_event as (partition by folded.event_key)

)

select * from final
