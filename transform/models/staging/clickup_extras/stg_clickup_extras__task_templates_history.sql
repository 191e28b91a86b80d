with

source as (

    select * from {{ source('clickup_extras', 'task_templates') }}

),

renamed as (

    select {{ clickup_extras.stg_clickup_extras__task_templates_columns() }}
    from source

)

select * from renamed
