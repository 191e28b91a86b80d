{#-
    A custom field's name and type: the current definition (stg_clickup_extras__custom_fields) names
    and types the field; the value row's own copy covers fields whose definition we have not seen.
    `values` and `definitions` are the aliases of the value rows and of the joined definitions.
-#}
{% macro custom_field_name_and_type(values, definitions='definitions') -%}
    coalesce({{ definitions }}.field_name, {{ values }}.field_name) as field_name,
        coalesce({{ definitions }}.field_type, {{ values }}.field_type) as field_type
{%- endmacro %}
