with

source as (

    select * from {{ source('clickup_extras', 'tasks') }}

),

renamed as (

    select {{ clickup_extras.stg_clickup_extras__tasks_columns() }}
    from source

)

select * from renamed
