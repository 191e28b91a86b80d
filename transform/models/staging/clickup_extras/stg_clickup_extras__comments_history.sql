with

source as (

    select * from {{ source('clickup_extras', 'comments') }}

),

renamed as (

    select {{ clickup_extras.stg_clickup_extras__comments_columns() }}
    from source

)

select * from renamed
