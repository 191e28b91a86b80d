with

source as (

    select * from {{ source('clickup_extras', 'custom_fields__current') }}

),

renamed as (

    select {{ clickup_extras.stg_clickup_extras__custom_fields_columns() }}
    from source

)

select * from renamed
