with

source as (

    select * from {{ source('clickup_extras', 'task_status_history__current') }}

),

renamed as (

    select {{ clickup_extras.stg_clickup_extras__task_status_history_columns() }}
    from source

)

select * from renamed
