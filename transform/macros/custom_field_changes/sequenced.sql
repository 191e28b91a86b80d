{#-
    CTEs sequenced, final, stored_rows, stamped of fct_custom_field_changes: the changes of each
    pair in order (changed_at, source_rank, source_order) with the previous value, the next
    change's time, version_number and version_count; the published columns (change_id, value
    before, validity, is_current, watermarks on the current change only); built_horizon_xid,
    this build's horizon unless the row says what the stored row said (incremental: stored_rows).
    Ends with the closing parenthesis of stamped (no comma).

    build: the model's run-time settings (see _macros.yml).
-#}
{% macro custom_field_changes_sequenced(build) -%}
sequenced as (

    select
        *,
        lag(has_value_after) over pair_changes as previous_has_value,
        lag(value_after_text) over pair_changes as previous_value_text,
        lag(value_after_json) over pair_changes as previous_value_json,
        lead(changed_at) over pair_changes as next_changed_at,
        row_number() over pair_changes as run_position,
        -- an appended pair's changes continue from its stored current change's position
        row_number() over pair_changes + max(version_offset) over whole_pair as version_number,
        count(*) over whole_pair + max(version_offset) over whole_pair as version_count,
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
            when sequenced.run_position = 1 then sequenced.known_value_before_text
            else sequenced.previous_value_text
        end as value_before_text,
        sequenced.value_after_text,
        case
            when sequenced.run_position = 1 then sequenced.known_value_before_json
            else sequenced.previous_value_json
        end as value_before_json,
        sequenced.value_after_json,
        case
            when sequenced.run_position = 1 then coalesce(sequenced.known_had_value_before, false)
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
        -- the watermarks on the current change only: a new version rewrites no other row
        case
            when sequenced.version_number = sequenced.version_count then sequenced.pair_last_extras_row_id_max
        end as pair_last_extras_row_id,
        case
            when sequenced.version_number = sequenced.version_count then sequenced.pair_last_delivery_id_max
        end as pair_last_delivery_id
    from sequenced

),

{% if is_incremental() -%}
-- what the affected pairs' rows said at the last build (the recomputed pairs' stored rows, the
-- appended pairs' stored current change): a row that says the same again keeps its horizon
stored_rows as (

    select pair_stored.*
    from recomputed_pairs
    cross join lateral (
        select
            stored.task_id,
            stored.field_id,
            stored.change_id,
            stored.field_name,
            stored.field_type,
            stored.has_value_after,
            stored.value_after_text,
            stored.value_after_json,
            stored.valid_from,
            stored.is_deletion,
            stored.loaded_at,
            {{ 'stored.built_horizon_xid' if build.stored_has_horizon else 'null::bigint as built_horizon_xid' }}
        from {{ this }} as stored
        where
            stored.task_id = recomputed_pairs.task_id
            and stored.field_id = recomputed_pairs.field_id
        offset 0
    ) as pair_stored

    union all

    select
        stored.task_id,
        stored.field_id,
        stored.change_id,
        stored.field_name,
        stored.field_type,
        stored.has_value_after,
        stored.value_after_text,
        stored.value_after_json,
        stored.valid_from,
        stored.is_deletion,
        stored.loaded_at,
        {{ 'stored.built_horizon_xid' if build.stored_has_horizon else 'null::bigint as built_horizon_xid' }}
    from stored_current as stored
    inner join appended_pairs
        on stored.task_id = appended_pairs.task_id
        and stored.field_id = appended_pairs.field_id

),

{% endif -%}

-- built_horizon_xid: this build's horizon, unless the row says what it said before (its value,
-- name, start and load unchanged: only valid_to or the marks moved)
stamped as (

    select
        final.*,
        {%- if is_incremental() %}
        coalesce(stored_rows.built_horizon_xid, {{ build.horizon.xmin }})::bigint as built_horizon_xid
        {%- else %}
        {{ build.horizon.xmin }}::bigint as built_horizon_xid
        {%- endif %}
    from final
    {%- if is_incremental() %}
    left join stored_rows
        on final.task_id = stored_rows.task_id
        and final.field_id = stored_rows.field_id
        and final.change_id = stored_rows.change_id
        and final.field_name is not distinct from stored_rows.field_name
        and final.field_type is not distinct from stored_rows.field_type
        and final.has_value_after is not distinct from stored_rows.has_value_after
        and final.value_after_text is not distinct from stored_rows.value_after_text
        and final.value_after_json is not distinct from stored_rows.value_after_json
        and final.valid_from is not distinct from stored_rows.valid_from
        and final.is_deletion is not distinct from stored_rows.is_deletion
        and final.loaded_at is not distinct from stored_rows.loaded_at
    {%- endif %}

)
{%- endmacro %}
