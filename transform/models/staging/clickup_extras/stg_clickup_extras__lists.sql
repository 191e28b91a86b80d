with

source as (

    select * from {{ source('clickup_extras', 'lists__current') }}

),

renamed as (

    select {{ clickup_extras.stg_clickup_extras__lists_columns() }}
    from source

)

select * from renamed
