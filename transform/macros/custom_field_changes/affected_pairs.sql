{#-
    CTEs new_version_pairs ... recomputed_pairs of fct_custom_field_changes, incremental builds
    only (empty on a full build): the pairs to build again and how. new_version_pairs (versions
    new by build horizon, or by id watermark for a table built before horizons) and reported_pairs
    (webhook events fct_webhook_events wrote since) make affected_pairs; stored_current (each
    affected pair's stored current change) and last_built_versions (the version its watermark
    names) decide appended_pairs (pairs that only grew in order); recomputed_pairs are the others.
    Ends with a comma and a blank line when it renders anything.

    build: the model's run-time settings (see _macros.yml).
-#}
{% macro custom_field_changes_affected_pairs(build) -%}
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
        {{ build.new_version }}
        {%- if build.by_id %}
        and versions.extras_row_id > {{ build.marks.extras_row_id }}
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
        {%- if build.by_id %}
        and webhook_events.last_delivery_id > {{ build.marks.delivery_id }}
        {%- else %}
        -- written by fct_webhook_events at or after this model's last build (its horizon is read
        -- earlier in the same dbt run: equal horizons are possible, a recomputed pair is harmless)
        and webhook_events.built_horizon_xid >= {{ build.previous }}
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
{%- endmacro %}
