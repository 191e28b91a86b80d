with

source as (

    select * from {{ source('clickup_extras', 'task_custom_field_values__current') }}

),

renamed as (

    select {{ clickup_extras.stg_clickup_extras__task_custom_field_values_columns() }}
    from source

)

select * from renamed
