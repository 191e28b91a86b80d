{#-
    CTEs field_versions, webhook_reports, definitions, definition_map of fct_custom_field_changes:
    what a build reads. field_versions: the versions to sequence (full build: every settled
    version; incremental: the recomputed pairs' versions, the appended pairs' last version built,
    flagged is_built, and their new versions); webhook_reports: the custom-field webhook events
    of those pairs; definition_map: the current definitions as one jsonb object keyed by field id.

    build: the model's run-time settings (see _macros.yml).
-#}
{% macro custom_field_changes_sources(build) -%}
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
            and {{ build.settled_version }}
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
        {{ build.new_version }}
        {%- if build.by_id %}
        and versions.extras_row_id > {{ build.marks.extras_row_id }}
        {%- endif %}
    {%- else %}
    select
        versions.*,
        false as is_built
    from {{ ref('int_custom_field_versions_fingerprinted') }} as versions
    where {{ build.settled_version }}
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
{%- endmacro %}
