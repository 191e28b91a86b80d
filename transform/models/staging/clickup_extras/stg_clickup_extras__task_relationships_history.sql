with

source as (

    select * from {{ source('clickup_extras', 'task_relationships') }}

),

renamed as (

    select {{ clickup_extras.stg_clickup_extras__task_relationships_columns() }}
    from source

)

select * from renamed
