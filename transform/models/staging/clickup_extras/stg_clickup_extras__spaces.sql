with

source as (

    select * from {{ source('clickup_extras', 'spaces__current') }}

),

renamed as (

    select {{ clickup_extras.stg_clickup_extras__spaces_columns() }}
    from source

)

select * from renamed
