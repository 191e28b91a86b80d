with

source as (

    select * from {{ source('clickup_extras', 'workspaces') }}

),

renamed as (

    select {{ clickup_extras.stg_clickup_extras__workspaces_columns() }}
    from source

)

select * from renamed
