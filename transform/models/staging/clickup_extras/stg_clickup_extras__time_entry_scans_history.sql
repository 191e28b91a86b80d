with

source as (

    select * from {{ source('clickup_extras', 'time_entry_scans') }}

),

renamed as (

    select {{ clickup_extras.stg_clickup_extras__time_entry_scans_columns() }}
    from source

)

select * from renamed
