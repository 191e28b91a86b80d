-- The comments stream is not selected by default: before its first load the table does not exist
-- and this model is empty (same columns); see macros/optional_source.sql.
with

source as (

    {{ clickup_extras.optional_source(
        'clickup_extras', 'comments__current', clickup_extras.clickup_extras__comments_landing_columns()
    ) }}

),

renamed as (

    select {{ clickup_extras.stg_clickup_extras__comments_columns() }}
    from source

)

select * from renamed
