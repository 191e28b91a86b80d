-- One row per stored version of each (task_id, field_id): the value before and after, and the
-- validity range of the new value. First version of a pair: is_initial, nothing before it.
with

field_versions as (

    select * from {{ ref('int_custom_field_versions_joined') }}

),

-- what the version says the value became; a version recording the pair's deletion has no value
versions_as_values as (

    select
        task_id,
        field_id,
        field_name,
        field_type,
        extras_row_id,
        extracted_at,
        deleted_at is not null as is_deletion,
        coalesce(task_updated_at, extracted_at) as changed_at,
        case when deleted_at is null then coalesce(has_value, false) else false end as has_value_after,
        case when deleted_at is null then value_text end as value_after_text,
        case when deleted_at is null then value_json end as value_after_json
    from field_versions

),

sequenced as (

    select
        *,
        lag(has_value_after) over pair_versions as previous_has_value,
        lag(value_after_text) over pair_versions as value_before_text,
        lag(value_after_json) over pair_versions as value_before_json,
        lead(changed_at) over pair_versions as next_changed_at,
        row_number() over pair_versions as version_number,
        count(*) over (partition by task_id, field_id) as version_count
    from versions_as_values
    window pair_versions as (partition by task_id, field_id order by extras_row_id)

),

final as (

    select
        md5(sequenced.task_id || '|' || sequenced.field_id || '|' || sequenced.extras_row_id::text) as change_id,
        sequenced.task_id,
        sequenced.field_id,
        sequenced.field_name,
        sequenced.field_type,
        sequenced.value_before_text,
        sequenced.value_after_text,
        sequenced.value_before_json,
        sequenced.value_after_json,
        coalesce(sequenced.previous_has_value, false) as had_value_before,
        sequenced.has_value_after,
        sequenced.changed_at,
        sequenced.changed_at as valid_from,
        sequenced.next_changed_at as valid_to,
        sequenced.version_number = sequenced.version_count as is_current,
        sequenced.version_number = 1 as is_initial,
        sequenced.is_deletion,
        sequenced.version_number,
        'polling'::text as change_source,
        sequenced.extras_row_id,
        sequenced.extracted_at
    from sequenced

)

select * from final
