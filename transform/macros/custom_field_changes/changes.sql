{#-
    CTEs polled_changes, webhook_changes, stored_changes, changes of fct_custom_field_changes: the
    change rows of both sources before sequencing. Polled versions that change the value and that
    no webhook item explains; webhook items, the latest of a window taking its version's value
    ("confirmed by polling"); on incremental builds the appended pairs' stored current change as
    the first of its pair's rows (version_offset numbers the new changes on); their union.

    build: the model's run-time settings (see _macros.yml).
-#}
{% macro custom_field_changes_changes(build) -%}
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
        null::boolean as known_had_value_before,
        null::text as known_value_before_text,
        null::jsonb as known_value_before_json,
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
        -- a version built before is only the base of the next one's comparison
        not polled.is_built
        -- the value changed (or the field left or came back)
        and (
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
        {{ clickup_extras.webhook_value_is_set('items_matched.value_before_json') }} as known_had_value_before,
        {{ clickup_extras.webhook_value_text(
            'items_matched.value_before_json', 'items_matched.field_type', 'items_matched.options',
            value_as_read='items_matched.value_before_read_json'
        ) }} as known_value_before_text,
        -- in the form a task read gives (a drop-down's option UUID as its index), as polled values
        items_matched.value_before_read_json as known_value_before_json,
        case
            when polled.extras_row_id is not null then polled.has_value_after
            else {{ clickup_extras.webhook_value_is_set('items_matched.value_after_json') }}
        end as has_value_after,
        case
            when polled.extras_row_id is not null then polled.value_after_text
            else {{ clickup_extras.webhook_value_text(
                'items_matched.value_after_json', 'items_matched.field_type', 'items_matched.options',
                value_as_read='items_matched.value_after_read_json'
            ) }}
        end as value_after_text,
        case
            when polled.extras_row_id is not null then polled.value_after_json
            else items_matched.value_after_read_json
        end as value_after_json,
        polled.extras_row_id is not null as is_confirmed_by_polling,
        false as is_deletion,
        polled.extras_row_id,
        polled.extracted_at,
        greatest(items_matched.first_received_at, polled.loaded_at) as loaded_at,
        polled.pair_last_extras_row_id,
        items_matched.pair_last_delivery_id,
        0 as source_rank,
        -- ClickUp's history item ids are numeric strings; one that is not orders last (not an error)
        {{ clickup_extras.safe_numeric('items_matched.history_item_id') }} as source_order
    from items_matched
    -- the version the latest item of a window stands for (removals are kept as their own row)
    left join polled
        on items_matched.task_id = polled.task_id
        and items_matched.field_id = polled.field_id
        and items_matched.matched_extras_row_id = polled.extras_row_id
        and items_matched.is_latest_in_window
        and not items_matched.matched_is_deletion

),

{% if is_incremental() -%}
-- the appended pairs' stored current change, first in its pair's new sequence: the previous value
-- of the first new change, and rewritten itself (valid_to, is_current)
stored_changes as (

    select
        stored_current.task_id,
        stored_current.field_id,
        stored_current.field_name,
        stored_current.field_type,
        stored_current.change_source,
        stored_current.history_item_id,
        stored_current.changed_at,
        stored_current.changed_by_user_id,
        stored_current.changed_by_username,
        stored_current.had_value_before as known_had_value_before,
        stored_current.value_before_text as known_value_before_text,
        stored_current.value_before_json as known_value_before_json,
        stored_current.has_value_after,
        stored_current.value_after_text,
        stored_current.value_after_json,
        stored_current.is_confirmed_by_polling,
        stored_current.is_deletion,
        stored_current.extras_row_id,
        stored_current.extracted_at,
        stored_current.loaded_at,
        -- the pair's watermark moves on even when its new versions change nothing
        greatest(stored_current.pair_last_extras_row_id, appended_pairs.last_extras_row_id)
            as pair_last_extras_row_id,
        stored_current.pair_last_delivery_id,
        -- first of its pair's rows here: every new change is observed no earlier
        -1 as source_rank,
        0::numeric as source_order,
        stored_current.version_number - 1 as version_offset
    from stored_current
    inner join appended_pairs
        on stored_current.task_id = appended_pairs.task_id
        and stored_current.field_id = appended_pairs.field_id

),

{% endif -%}

changes as (

    select
        *,
        0::bigint as version_offset
    from polled_changes

    union all

    select
        *,
        0::bigint as version_offset
    from webhook_changes
    {%- if is_incremental() %}

    union all

    select * from stored_changes
    {%- endif %}

),
{%- endmacro %}
