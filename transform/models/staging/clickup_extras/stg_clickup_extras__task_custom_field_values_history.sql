with

source as (

    -- xmin: the writing transaction, for the build horizons (macros/build_horizon.sql)
    select
        *,
        xmin as extras_xmin
    from {{ clickup_extras.table_with_system_columns(source('clickup_extras', 'task_custom_field_values')) }}

),

renamed as (

    select
        {{ clickup_extras.stg_clickup_extras__task_custom_field_values_columns() }},
        extras_xmin
    from source

)

select * from renamed
