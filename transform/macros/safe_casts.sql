{#-
    Tolerant casts of API data (ClickUp's, Airbyte's): ids as text or numbers, numbers as strings,
    missing keys. Each gives null where the value cannot be read, instead of failing the build;
    `is_unreadable` says whether a value was there but could not be read (for the *_unreadable
    flags). Regular expressions rather than pg_input_is_valid: PostgreSQL before 16 has no such test.
-#}

{#- the trimmed text of an expression (jsonb scalars unquoted), null when empty -#}
{% macro safe_text(expression) -%}
    nullif(trim(({{ expression }})::text), '')
{%- endmacro %}


{#- a number written as text: optional sign, digits with an optional fraction, optional exponent -#}
{% macro numeric_pattern() -%}
    '^[-+]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][-+]?[0-9]{1,3})?$'
{%- endmacro %}


{% macro safe_numeric(expression) -%}
    case
        when {{ clickup_extras.safe_text(expression) }} ~ {{ clickup_extras.numeric_pattern() }}
            then {{ clickup_extras.safe_text(expression) }}::numeric
    end
{%- endmacro %}


{#- an integral value within bigint (18 digits; "12.0" reads as 12) -#}
{% macro safe_bigint(expression) -%}
    case
        when {{ clickup_extras.safe_text(expression) }} ~ '^[-+]?[0-9]{1,18}(\.0*)?$'
            then {{ clickup_extras.safe_text(expression) }}::numeric::bigint
    end
{%- endmacro %}


{% macro safe_boolean(expression) -%}
    case
        when lower({{ clickup_extras.safe_text(expression) }}) in ('true', 't', 'yes', '1') then true
        when lower({{ clickup_extras.safe_text(expression) }}) in ('false', 'f', 'no', '0') then false
    end
{%- endmacro %}


{#- ClickUp's ms since the epoch (a string or a number) as timestamptz; 15 digits reach year 33658 -#}
{% macro safe_ms_to_timestamp(expression) -%}
    case
        when {{ clickup_extras.safe_text(expression) }} ~ '^-?[0-9]{1,15}(\.[0-9]*)?$'
            then to_timestamp({{ clickup_extras.safe_text(expression) }}::numeric / 1000.0)
    end
{%- endmacro %}


{#- whether a raw value is there (not null, not empty) but its tolerant cast gave null -#}
{% macro is_unreadable(raw_expression, cast_expression) -%}
    coalesce({{ clickup_extras.safe_text(raw_expression) }} is not null and ({{ cast_expression }}) is null, false)
{%- endmacro %}


{#- the tolerant cast to data_type (bigint, numeric, boolean); any other type is a plain cast -#}
{% macro safe_cast(expression, data_type) -%}
    {%- if data_type == 'bigint' -%}{{ clickup_extras.safe_bigint(expression) }}
    {%- elif data_type == 'numeric' -%}{{ clickup_extras.safe_numeric(expression) }}
    {%- elif data_type == 'boolean' -%}{{ clickup_extras.safe_boolean(expression) }}
    {%- else -%}({{ expression }})::{{ data_type }}
    {%- endif -%}
{%- endmacro %}
