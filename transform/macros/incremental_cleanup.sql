{#
    Post-hooks of the incremental marts: delete+insert rewrites the rows a run selects, but cannot
    remove rows whose key the run no longer produces. These statements remove them (on a full build
    they find nothing to delete).
#}

{#- fct_time_entries: entries found deleted by the scans, or gone from the current view -#}
{% macro fct_time_entries_delete_gone() -%}
    delete from {{ this }} as mart
    where
        mart.time_entry_id in (
            select deleted.time_entry_id from {{ ref('int_time_entries_deleted') }} as deleted
        )
        or not exists (
            select 1
            from {{ ref('stg_clickup_extras__time_entries') }} as entries
            where entries.time_entry_id = mart.time_entry_id
        )
{%- endmacro %}


{#- fct_daily_task_snapshots: the days from a task's deletion on (int_tasks_deleted: a complete
    scan's tombstone or a taskDeleted webhook) -#}
{% macro fct_daily_task_snapshots_delete_after_deletion() -%}
    {{ clickup_extras.delete_days_after_task_deletion('snapshot_date') }}
{%- endmacro %}


{#- the rows of a daily mart (task_id, day_column) from each deleted task's local deletion day on -#}
{% macro delete_days_after_task_deletion(day_column) -%}
    delete from {{ this }} as mart
    using (
        select
            task_id,
            ({{ clickup_extras.to_local_time('deleted_at') }})::date as deleted_on
        from {{ ref('int_tasks_deleted') }}
    ) as deleted
    where mart.task_id = deleted.task_id and mart.{{ day_column }} >= deleted.deleted_on
{%- endmacro %}
