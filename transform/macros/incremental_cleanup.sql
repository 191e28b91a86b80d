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


{#- fct_daily_task_snapshots: the days from a task's deletion on -#}
{% macro fct_daily_task_snapshots_delete_after_deletion() -%}
    delete from {{ this }} as mart
    using (
        select task_id, effective_date
        from {{ ref('int_task_versions_dated') }}
        where is_deletion and is_latest
    ) as deleted
    where mart.task_id = deleted.task_id and mart.snapshot_date >= deleted.effective_date
{%- endmacro %}
