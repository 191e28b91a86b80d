{#-
    CTEs polled, webhook_items, webhook_values, items_matched of fct_custom_field_changes: polled
    versions with the observation window each closes and whether it changes the value; the
    canonical webhook items with their definitions and their values also in the form a task read
    gives; each item with the polled version whose window holds it (none: not polled yet) and
    whether it is the latest of that window.

    build: the model's run-time settings (see _macros.yml).
-#}
{% macro custom_field_changes_matched(build) -%}
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
        field_versions.is_built,
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
        -- an item whose date could not be read (has_unreadable_values in staging) happened at
        -- the latest when its first report arrived: placed there rather than dropped
        coalesce(webhook_reports.changed_at, webhook_reports.first_received_at) as changed_at,
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

-- each item's values also in the form a task read gives (a drop-down's option UUID as its index)
webhook_values as (

    select
        webhook_items.*,
        {{ clickup_extras.custom_field_value_as_read(
            'webhook_items.value_before_json', 'webhook_items.field_type', 'webhook_items.options'
        ) }} as value_before_read_json,
        {{ clickup_extras.custom_field_value_as_read(
            'webhook_items.value_after_json', 'webhook_items.field_type', 'webhook_items.options'
        ) }} as value_after_read_json
    from webhook_items

),

-- each item with the polled version whose observation window holds it (none: not polled yet)
items_matched as (

    select
        webhook_values.*,
        polled.extras_row_id as matched_extras_row_id,
        polled.is_deletion as matched_is_deletion,
        row_number() over (
            partition by webhook_values.task_id, webhook_values.field_id, polled.extras_row_id
            order by
                webhook_values.changed_at desc,
                length(webhook_values.history_item_id) desc,
                webhook_values.history_item_id desc
        ) = 1 as is_latest_in_window
    from webhook_values
    left join polled
        on webhook_values.task_id = polled.task_id
        and webhook_values.field_id = polled.field_id
        and webhook_values.changed_at <= polled.observed_at
        and (polled.previous_observed_at is null or webhook_values.changed_at > polled.previous_observed_at)
    where webhook_values.is_canonical_report

),
{%- endmacro %}
