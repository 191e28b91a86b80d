with

source as (

    select * from {{ source('clickup_extras', 'time_entries__current') }}

),

renamed as (

    select {{ clickup_extras.stg_clickup_extras__time_entries_columns() }}
    from source

)

select * from renamed
