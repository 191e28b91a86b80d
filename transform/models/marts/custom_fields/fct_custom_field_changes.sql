{#-
    One row per change of a (task_id, field_id): polling history merged with webhook history items.

    Polled versions (ordered by _extras_row_id) are observed at the task's date_updated. A webhook
    item of the pair dated after the previous version's observation and no later than this one's
    happened in between: those items replace the version (exact time, person, and intermediate
    changes polling never saw); the latest of them takes the version's decoded value ("confirmed
    by polling"). Versions no item explains stay as polling changes; items after the last poll are
    changes polling has not seen yet. A version recording the field's removal is always kept.
    Versions whose decoded value equals the previous one's (value_fingerprint: a renamed field, a
    linked task renamed, ...) are no change.

    Incremental: pairs with history rows or webhook deliveries past the stored watermarks
    (pair_last_extras_row_id, pair_last_delivery_id) are recomputed whole (delete+insert by pair).
-#}
{#- indexes: dbt names them uniquely and builds them with each new table (first and full builds) -#}
{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key=['task_id', 'field_id'],
        on_schema_change='append_new_columns',
        indexes=[{'columns': ['task_id', 'field_id']}, {'columns': ['loaded_at']}],
        post_hook=[
            "{{ clickup_extras.analyze_after_full_build() }}",
        ],
    )
}}

{#- the watermarks, read at run time as literals (so the planner sees how few rows are new) -#}
{%- set marks = {'extras_row_id': 0, 'delivery_id': 0} %}
{%- if execute and is_incremental() %}
{%- set row = run_query(
    'select coalesce(max(pair_last_extras_row_id), 0), coalesce(max(pair_last_delivery_id), 0) from ' ~ this
).rows[0] %}
{%- set marks = {'extras_row_id': row[0] | int, 'delivery_id': row[1] | int} %}
{%- endif %}

with

{% if is_incremental() -%}
affected_pairs as (

    select
        history.task_id,
        history.field_id
    from {{ ref('int_custom_field_versions_fingerprinted') }} as history
    where history.extras_row_id > {{ marks.extras_row_id }}

    union

    select
        webhook_events.task_id,
        webhook_events.custom_field_id as field_id
    from {{ ref('fct_webhook_events') }} as webhook_events
    where
        webhook_events.field = 'custom_field'
        and webhook_events.last_delivery_id > {{ marks.delivery_id }}

),

{% endif -%}

field_versions as (

    {%- if is_incremental() %}
    -- the affected pairs' versions, pair by pair through the landing table's (task_id, field_id)
    -- index (offset 0 keeps the subquery apart, so PostgreSQL does not fall back to a full scan)
    select pair_versions.*
    from affected_pairs
    cross join lateral (
        select versions.*
        from {{ ref('int_custom_field_versions_fingerprinted') }} as versions
        where
            versions.task_id = affected_pairs.task_id
            and versions.field_id = affected_pairs.field_id
        offset 0
    ) as pair_versions
    {%- else %}
    select * from {{ ref('int_custom_field_versions_fingerprinted') }}
    {%- endif %}

),

webhook_reports as (

    select * from {{ ref('fct_webhook_events') }}
    where
        field = 'custom_field'
        and custom_field_id is not null
        and task_id is not null
    {%- if is_incremental() %}
        and (task_id, custom_field_id) in (
            select affected_pairs.task_id, affected_pairs.field_id from affected_pairs
        )
        {%- endif %}

),

definitions as (

    select * from {{ ref('stg_clickup_extras__custom_fields') }}

),

-- the current definitions as one jsonb object keyed by field_id: a lookup per version row that
-- stays cheap for any number of rows (a join here is planned as a nested loop per row); read as
-- a scalar subquery (evaluated once), not a cross join: a cross join carried the whole map
-- on every row into the window sort below (~3 kB a row, a sort spilling hundreds of MB to disk)
definition_map as (

    select
        coalesce(
            jsonb_object_agg(field_id, jsonb_build_object('name', field_name, 'type', field_type)),
            '{}'::jsonb
        ) as by_field_id
    from definitions

),

-- polled versions with the observation window they close and whether they change the value
polled as (

    select
        field_versions.task_id,
        field_versions.field_id,
        -- the current definition names the field; the version's own copy covers unseen definitions
        coalesce(
            (select definition_map.by_field_id from definition_map) -> field_versions.field_id ->> 'name',
            field_versions.field_name
        ) as field_name,
        coalesce(
            (select definition_map.by_field_id from definition_map) -> field_versions.field_id ->> 'type',
            field_versions.field_type
        ) as field_type,
        field_versions.extras_row_id,
        field_versions.extracted_at,
        field_versions.loaded_at,
        field_versions.deleted_at is not null as is_deletion,
        coalesce(field_versions.task_updated_at, field_versions.extracted_at) as observed_at,
        lag(coalesce(field_versions.task_updated_at, field_versions.extracted_at))
            over pair_versions as previous_observed_at,
        field_versions.deleted_at is null and coalesce(field_versions.has_value, false) as has_value_after,
        case when field_versions.deleted_at is null then field_versions.value_text end as value_after_text,
        case when field_versions.deleted_at is null then field_versions.value_json end as value_after_json,
        lag(field_versions.deleted_at is not null) over pair_versions as previous_is_deletion,
        lag(field_versions.deleted_at is null and coalesce(field_versions.has_value, false))
            over pair_versions as previous_has_value,
        field_versions.value_fingerprint,
        lag(field_versions.value_fingerprint) over pair_versions as previous_value_fingerprint,
        row_number() over pair_versions as poll_number,
        max(field_versions.extras_row_id)
            over (partition by field_versions.task_id, field_versions.field_id) as pair_last_extras_row_id
    from field_versions
    window pair_versions as (
        partition by field_versions.task_id, field_versions.field_id
        order by field_versions.extras_row_id
    )

),

-- the canonical report of each custom-field change (one per history item across webhooks)
webhook_items as (

    select
        webhook_reports.task_id,
        webhook_reports.custom_field_id as field_id,
        webhook_reports.history_item_id,
        webhook_reports.changed_at,
        webhook_reports.changed_by_user_id,
        webhook_reports.changed_by_username,
        webhook_reports.value_before_json,
        webhook_reports.value_after_json,
        webhook_reports.first_received_at,
        coalesce(definitions.field_type, webhook_reports.custom_field ->> 'type') as field_type,
        coalesce(definitions.field_name, webhook_reports.custom_field ->> 'name') as field_name,
        coalesce(definitions.options, webhook_reports.custom_field -> 'type_config' -> 'options') as options,
        max(webhook_reports.last_delivery_id)
            over (partition by webhook_reports.task_id, webhook_reports.custom_field_id)
            as pair_last_delivery_id,
        webhook_reports.is_canonical_report
    from webhook_reports
    left join definitions
        on webhook_reports.custom_field_id = definitions.field_id

),

-- each item with the polled version whose observation window holds it (none: not polled yet)
items_matched as (

    select
        webhook_items.*,
        polled.extras_row_id as matched_extras_row_id,
        polled.is_deletion as matched_is_deletion,
        row_number() over (
            partition by webhook_items.task_id, webhook_items.field_id, polled.extras_row_id
            order by
                webhook_items.changed_at desc,
                length(webhook_items.history_item_id) desc,
                webhook_items.history_item_id desc
        ) = 1 as is_latest_in_window
    from webhook_items
    left join polled
        on webhook_items.task_id = polled.task_id
        and webhook_items.field_id = polled.field_id
        and webhook_items.changed_at <= polled.observed_at
        and (polled.previous_observed_at is null or webhook_items.changed_at > polled.previous_observed_at)
    where webhook_items.is_canonical_report

),

polled_changes as (

    select
        polled.task_id,
        polled.field_id,
        polled.field_name,
        polled.field_type,
        'polling'::text as change_source,
        null::text as history_item_id,
        polled.observed_at as changed_at,
        null::bigint as changed_by_user_id,
        null::text as changed_by_username,
        null::boolean as webhook_had_value_before,
        null::text as webhook_value_before_text,
        null::jsonb as webhook_value_before_json,
        polled.has_value_after,
        polled.value_after_text,
        polled.value_after_json,
        false as is_confirmed_by_polling,
        polled.is_deletion,
        polled.extras_row_id,
        polled.extracted_at,
        polled.loaded_at,
        polled.pair_last_extras_row_id,
        null::bigint as pair_last_delivery_id,
        1 as source_rank,
        polled.extras_row_id::numeric as source_order
    from polled
    where
        -- the value changed (or the field left or came back)
        (
            polled.poll_number = 1
            or polled.is_deletion
            or polled.previous_is_deletion
            or polled.has_value_after is distinct from polled.previous_has_value
            or polled.value_fingerprint is distinct from polled.previous_value_fingerprint
        )
        -- and no webhook item explains it (a removal is never explained by one)
        and (
            polled.is_deletion
            or not exists (
                select 1 as is_matched
                from items_matched
                where
                    items_matched.task_id = polled.task_id
                    and items_matched.field_id = polled.field_id
                    and items_matched.matched_extras_row_id = polled.extras_row_id
            )
        )

),

webhook_changes as (

    select
        items_matched.task_id,
        items_matched.field_id,
        coalesce(polled.field_name, items_matched.field_name) as field_name,
        coalesce(polled.field_type, items_matched.field_type) as field_type,
        'webhook'::text as change_source,
        items_matched.history_item_id,
        items_matched.changed_at,
        items_matched.changed_by_user_id,
        items_matched.changed_by_username,
        {{ clickup_extras.webhook_value_is_set('items_matched.value_before_json') }} as webhook_had_value_before,
        {{ clickup_extras.webhook_value_text(
            'items_matched.value_before_json', 'items_matched.field_type', 'items_matched.options'
        ) }} as webhook_value_before_text,
        items_matched.value_before_json as webhook_value_before_json,
        case
            when polled.extras_row_id is not null then polled.has_value_after
            else {{ clickup_extras.webhook_value_is_set('items_matched.value_after_json') }}
        end as has_value_after,
        case
            when polled.extras_row_id is not null then polled.value_after_text
            else {{ clickup_extras.webhook_value_text(
                'items_matched.value_after_json', 'items_matched.field_type', 'items_matched.options'
            ) }}
        end as value_after_text,
        case
            when polled.extras_row_id is not null then polled.value_after_json
            else items_matched.value_after_json
        end as value_after_json,
        polled.extras_row_id is not null as is_confirmed_by_polling,
        false as is_deletion,
        polled.extras_row_id,
        polled.extracted_at,
        greatest(items_matched.first_received_at, polled.loaded_at) as loaded_at,
        polled.pair_last_extras_row_id,
        items_matched.pair_last_delivery_id,
        0 as source_rank,
        items_matched.history_item_id::numeric as source_order
    from items_matched
    -- the version the latest item of a window stands for (removals are kept as their own row)
    left join polled
        on items_matched.task_id = polled.task_id
        and items_matched.field_id = polled.field_id
        and items_matched.matched_extras_row_id = polled.extras_row_id
        and items_matched.is_latest_in_window
        and not items_matched.matched_is_deletion

),

changes as (

    select * from polled_changes
    union all
    select * from webhook_changes

),

sequenced as (

    select
        *,
        lag(has_value_after) over pair_changes as previous_has_value,
        lag(value_after_text) over pair_changes as previous_value_text,
        lag(value_after_json) over pair_changes as previous_value_json,
        lead(changed_at) over pair_changes as next_changed_at,
        row_number() over pair_changes as version_number,
        count(*) over whole_pair as version_count,
        -- the marks travel on the rows that carry them (every pair keeps at least one of each kind)
        max(pair_last_extras_row_id) over whole_pair as pair_last_extras_row_id_max,
        max(pair_last_delivery_id) over whole_pair as pair_last_delivery_id_max
    from changes
    window
        pair_changes as (
            partition by task_id, field_id
            order by changed_at, source_rank, source_order
        ),
        whole_pair as (partition by task_id, field_id)

),

final as (

    select
        md5(
            sequenced.task_id || '|' || sequenced.field_id || '|'
            || coalesce('webhook:' || sequenced.history_item_id, 'poll:' || sequenced.extras_row_id::text)
        ) as change_id,
        sequenced.task_id,
        sequenced.field_id,
        sequenced.field_name,
        sequenced.field_type,
        case
            when sequenced.version_number = 1 then sequenced.webhook_value_before_text
            else sequenced.previous_value_text
        end as value_before_text,
        sequenced.value_after_text,
        case
            when sequenced.version_number = 1 then sequenced.webhook_value_before_json
            else sequenced.previous_value_json
        end as value_before_json,
        sequenced.value_after_json,
        case
            when sequenced.version_number = 1 then coalesce(sequenced.webhook_had_value_before, false)
            else coalesce(sequenced.previous_has_value, false)
        end as had_value_before,
        sequenced.has_value_after,
        sequenced.changed_at,
        sequenced.changed_at as valid_from,
        sequenced.next_changed_at as valid_to,
        sequenced.version_number = sequenced.version_count as is_current,
        sequenced.version_number = 1 as is_initial,
        sequenced.is_deletion,
        sequenced.version_number,
        sequenced.change_source,
        sequenced.is_confirmed_by_polling,
        sequenced.changed_by_user_id,
        sequenced.changed_by_username,
        sequenced.history_item_id,
        sequenced.extras_row_id,
        sequenced.extracted_at,
        sequenced.loaded_at,
        sequenced.pair_last_extras_row_id_max as pair_last_extras_row_id,
        sequenced.pair_last_delivery_id_max as pair_last_delivery_id
    from sequenced

)

select * from final
