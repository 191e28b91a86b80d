with

source as (

    select * from {{ source('clickup_extras', 'tasks__current') }}

),

renamed as (

    select {{ clickup_extras.stg_clickup_extras__tasks_columns() }}
    from source

)

select * from renamed
