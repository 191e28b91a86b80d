with

source as (

    select * from {{ source('clickup_extras', 'folders__current') }}

),

renamed as (

    select {{ clickup_extras.stg_clickup_extras__folders_columns() }}
    from source

)

select * from renamed
