-- The comment_scans stream is not selected by default: before its first load the table does not
-- exist and this model is empty (same columns); see macros/optional_source.sql.
with

source as (

    {{ clickup_extras.optional_source(
        'clickup_extras', 'comment_scans__current', clickup_extras.clickup_extras__comment_scans_landing_columns()
    ) }}

),

renamed as (

    select {{ clickup_extras.stg_clickup_extras__comment_scans_columns() }}
    from source

)

select * from renamed
