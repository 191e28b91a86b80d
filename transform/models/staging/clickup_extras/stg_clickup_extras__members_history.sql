with

source as (

    select * from {{ source('clickup_extras', 'members') }}

),

renamed as (

    select {{ clickup_extras.stg_clickup_extras__members_columns() }}
    from source

)

select * from renamed
