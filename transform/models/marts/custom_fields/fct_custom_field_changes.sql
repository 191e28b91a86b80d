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

    The CTEs are in macros/custom_field_changes/, one macro per step, called below in build order
    (each file's header says what its CTEs compute); they read the settings set here (`build`).
    Macros rather than intermediate models: the steps read this table (`this`), the literal
    watermarks and the horizon of this one build, and pair-by-pair lateral lookups that a
    materialized step would lose; the rendered SQL is the one statement it was.
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
{%- set build = {
    'horizon': horizon,
    'previous': previous,
    'by_id': by_id,
    'marks': marks,
    'new_version': new_version,
    'settled_version': settled_version,
    'stored_has_horizon': stored_has_horizon,
} %}

with

{{ clickup_extras.custom_field_changes_affected_pairs(build) }}
{{- clickup_extras.custom_field_changes_sources(build) }}

{{ clickup_extras.custom_field_changes_matched(build) }}

{{ clickup_extras.custom_field_changes_changes(build) }}

{{ clickup_extras.custom_field_changes_sequenced(build) }}

select * from stamped
