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

    Incremental: the pairs with versions or webhook events new since the last build are built
    again. New is by build horizon (macros/build_horizon.sql), never by id or loaded_at, which
    concurrent loads commit out of order: the versions whose writing transaction lies in [the
    stored horizon (the highest built_horizon_xid), this build's pg_snapshot_xmin), and the
    webhook events fct_webhook_events wrote at or after the stored horizon. Only versions below
    the horizon are read (a version of a transaction still open waits for the next build, which
    then sees it as new). A table built before horizons continues once from its id watermarks
    (the highest pair_last_extras_row_id and pair_last_delivery_id). The pairs are built in one
    of two ways:
    - appended pairs (new polled versions only, all observed no earlier than the stored current
      change and all loaded after the last version built, and no webhook item after the last
      polled version): their stored changes stand. The
      last version seen before, the new versions and the stored current change (as context) give
      the new changes; the current one is rewritten (its valid_to, is_current) and the new appended.
    - every other affected pair (new pairs, new webhook items, versions out of order) is recomputed
      from its whole history and replaces its stored rows.
    The 'replace_pair_tails' strategy deletes each pair's stored rows from the first version the
    run produced, then inserts the run's rows. built_horizon_xid: the horizon of the build that
    last changed what a row says (a row rewritten with the same value, time and load keeps its
    own), so that fct_custom_field_values_daily rewrites only the days that changed.
-#}
{#- indexes: dbt names them uniquely and builds them with each new table (first and full builds) -#}
{{
    config(
        materialized='incremental',
        incremental_strategy='replace_pair_tails',
        unique_key=['task_id', 'field_id'],
        replace_from_column='version_number',
        on_schema_change='append_new_columns',
        indexes=[
            {'columns': ['task_id', 'field_id', 'version_number']},
            {'columns': ['loaded_at']},
            {'columns': ['pair_last_extras_row_id']},
            {'columns': ['pair_last_delivery_id']},
        ],
        post_hook=[
            "{{ clickup_extras.analyze_after_full_build() }}",
        ],
    )
}}

{#- the watermarks, read at run time as literals (so the planner sees how few rows are new) -#}
{%- set marks = {'extras_row_id': 0, 'delivery_id': 0} %}
{%- set horizon = clickup_extras.build_horizon() %}
{%- set previous = clickup_extras.stored_build_horizon(this) if is_incremental() else none %}
{%- set stored_has_horizon = execute and is_incremental()
    and 'built_horizon_xid' in (adapter.get_columns_in_relation(this) | map(attribute='name') | list) %}
{%- set by_id = is_incremental() and previous is none %}
{#- new: written in [previous, horizon); settled: below the horizon (what a build may read) -#}
{%- set new_version = clickup_extras.written_within_horizon('versions.extras_xmin', horizon, previous) %}
{%- set settled_version = clickup_extras.written_within_horizon('versions.extras_xmin', horizon, none) %}
{%- if execute and is_incremental() %}
{%- set row = run_query(
    'select coalesce(max(pair_last_extras_row_id), 0), coalesce(max(pair_last_delivery_id), 0) from ' ~ this
).rows[0] %}
{%- set marks = {'extras_row_id': row[0] | int, 'delivery_id': row[1] | int} %}
{%- endif %}

with

{% if is_incremental() -%}
-- the pairs with versions landed since the last build: the first observation, the last row id
new_version_pairs as (

    select
        versions.task_id,
        versions.field_id,
        min(coalesce(versions.task_updated_at, versions.extracted_at)) as first_observed_at,
        min(versions.extras_row_id) as first_extras_row_id,
        max(versions.extras_row_id) as last_extras_row_id
    from {{ ref('int_custom_field_versions_fingerprinted') }} as versions
    where
        {{ new_version }}
        {%- if by_id %}
        and versions.extras_row_id > {{ marks.extras_row_id }}
        {%- endif %}
    group by versions.task_id, versions.field_id

),

-- the pairs webhooks reported changes of since the last build
reported_pairs as (

    select distinct
        webhook_events.task_id,
        webhook_events.custom_field_id as field_id
    from {{ ref('fct_webhook_events') }} as webhook_events
    where
        webhook_events.field = 'custom_field'
        {%- if by_id %}
        and webhook_events.last_delivery_id > {{ marks.delivery_id }}
        {%- else %}
        -- written by fct_webhook_events at or after this model's last build (its horizon is read
        -- earlier in the same dbt run: equal horizons are possible, a recomputed pair is harmless)
        and webhook_events.built_horizon_xid >= {{ previous }}
        {%- endif %}

),

affected_pairs as (

    select
        new_version_pairs.task_id,
        new_version_pairs.field_id
    from new_version_pairs

    union

    select
        reported_pairs.task_id,
        reported_pairs.field_id
    from reported_pairs

),

-- each affected pair's stored current change (none for a new pair): its last version, one row
-- read through the mart's (task_id, field_id, version_number) index
stored_current as (

    select pair_current.*
    from affected_pairs
    cross join lateral (
        select stored.*
        from {{ this }} as stored
        where
            stored.task_id = affected_pairs.task_id
            and stored.field_id = affected_pairs.field_id
        order by stored.version_number desc
        limit 1
    ) as pair_current

),

-- the version each affected pair's history ended with at the last build: the one its current
-- change's watermark names, by the landing table's primary key (lateral: the staging views are
-- not flattened into a join, so a plain join would scan the whole history)
last_built_versions as (

    select last_built.*
    from stored_current
    cross join lateral (
        select versions.*
        from {{ ref('int_custom_field_versions_fingerprinted') }} as versions
        where versions.extras_row_id = stored_current.pair_last_extras_row_id
        offset 0
    ) as last_built

),

-- pairs that only grew: every new version observed no earlier than the stored current change
-- (so it comes after every stored change) and loaded after the last version built (a version
-- committed late, below it, is out of order), no webhook item after the last polled version (a
-- new version could explain it) and no new webhook item
appended_pairs as (

    select
        stored_current.task_id,
        stored_current.field_id,
        new_version_pairs.last_extras_row_id
    from stored_current
    inner join last_built_versions
        on stored_current.task_id = last_built_versions.task_id
        and stored_current.field_id = last_built_versions.field_id
    inner join new_version_pairs
        on stored_current.task_id = new_version_pairs.task_id
        and stored_current.field_id = new_version_pairs.field_id
    where
        new_version_pairs.first_observed_at >= stored_current.changed_at
        and new_version_pairs.first_extras_row_id > stored_current.pair_last_extras_row_id
        and stored_current.changed_at
        <= coalesce(last_built_versions.task_updated_at, last_built_versions.extracted_at)
        and not exists (
            select 1 as is_reported
            from reported_pairs
            where
                reported_pairs.task_id = stored_current.task_id
                and reported_pairs.field_id = stored_current.field_id
        )

),

-- the other affected pairs, recomputed from their whole history
recomputed_pairs as (

    select
        affected_pairs.task_id,
        affected_pairs.field_id
    from affected_pairs

    except

    select
        appended_pairs.task_id,
        appended_pairs.field_id
    from appended_pairs

),

{% endif -%}

field_versions as (

    {%- if is_incremental() %}
    -- the recomputed pairs' versions, pair by pair through the landing table's (task_id, field_id)
    -- index (offset 0 keeps the subquery apart, so PostgreSQL does not fall back to a full scan)
    select
        pair_versions.*,
        false as is_built
    from recomputed_pairs
    cross join lateral (
        select versions.*
        from {{ ref('int_custom_field_versions_fingerprinted') }} as versions
        where
            versions.task_id = recomputed_pairs.task_id
            and versions.field_id = recomputed_pairs.field_id
            and {{ settled_version }}
        offset 0
    ) as pair_versions

    union all

    -- the appended pairs' last version built before (the base of the first new one's comparison)
    select
        last_built_versions.*,
        true as is_built
    from last_built_versions
    inner join appended_pairs
        on last_built_versions.task_id = appended_pairs.task_id
        and last_built_versions.field_id = appended_pairs.field_id

    union all

    -- and their new versions
    select
        versions.*,
        false as is_built
    from {{ ref('int_custom_field_versions_fingerprinted') }} as versions
    inner join appended_pairs
        on versions.task_id = appended_pairs.task_id
        and versions.field_id = appended_pairs.field_id
    where
        {{ new_version }}
        {%- if by_id %}
        and versions.extras_row_id > {{ marks.extras_row_id }}
        {%- endif %}
    {%- else %}
    select
        versions.*,
        false as is_built
    from {{ ref('int_custom_field_versions_fingerprinted') }} as versions
    where {{ settled_version }}
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
            select recomputed_pairs.task_id, recomputed_pairs.field_id from recomputed_pairs
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
            {{ 'stored.built_horizon_xid' if stored_has_horizon else 'null::bigint as built_horizon_xid' }}
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
        {{ 'stored.built_horizon_xid' if stored_has_horizon else 'null::bigint as built_horizon_xid' }}
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
        coalesce(stored_rows.built_horizon_xid, {{ horizon.xmin }})::bigint as built_horizon_xid
        {%- else %}
        {{ horizon.xmin }}::bigint as built_horizon_xid
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

select * from stamped
