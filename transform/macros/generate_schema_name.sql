{#
    Folders build into schemas derived from the target schema:
      staging       -> <target_schema>_staging        (e.g. clickup_analytics_staging)
      intermediate  -> <target_schema>_intermediate   (e.g. clickup_analytics_intermediate)
      marts         -> <target_schema>                (e.g. clickup_analytics)
    A model without a custom schema (or with `marts`) lands in the target schema itself.
#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- set target_schema = target.schema | trim -%}
    {%- if custom_schema_name is none or custom_schema_name | trim in ('', 'marts') -%}
        {{ target_schema }}
    {%- else -%}
        {{ target_schema }}_{{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}
