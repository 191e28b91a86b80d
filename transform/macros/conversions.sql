{#- ClickUp's API timestamps: milliseconds since the epoch, as a string or a number; null when
    not such a number (safe_casts.sql) -#}
{% macro ms_to_timestamp(expression) -%}
    {{ clickup_extras.safe_ms_to_timestamp(expression) }}
{%- endmacro %}


{#- a SQL string literal, quotes escaped -#}
{% macro sql_literal(value) -%}
    '{{ (value ~ "") | replace("'", "''") }}'
{%- endmacro %}


{#- a UTC timestamptz as local wall-clock time (timestamp without time zone) in var('time_zone') -#}
{% macro to_local_time(expression) -%}
    ({{ expression }}) at time zone {{ clickup_extras.sql_literal(var('time_zone', none) or env_var('CLICKUP_TIME_ZONE', 'UTC')) }}
{%- endmacro %}


{#
    E-mail pseudonymisation: sha256(salt || lower(trim(email))), hex: the tap's `hash_pii` order, so
    a person gets one pseudonym whichever side hashed (with the same salt: the tap's `pii_salt`).
    A value that already is a 64-hex digest (the tap's `hash_pii`) is passed through unchanged.
    With var('hash_emails') false, no e-mail leaves the marts: the result is null.
    The salt is var('email_hash_salt'), else env CLICKUP_EMAIL_HASH_SALT; there is no default: an
    unsalted sha256 of an e-mail is reversed with a list of addresses, so an empty salt is an error.
#}
{% macro email_hash_salt() -%}
    {%- set salt = var('email_hash_salt', none) or env_var('CLICKUP_EMAIL_HASH_SALT', '') -%}
    {%- if execute and (salt | trim) == '' -%}
        {{ exceptions.raise_compiler_error(
            "E-mails are hashed (var hash_emails is true) but no salt is set: set var email_hash_salt"
            ~ " or env CLICKUP_EMAIL_HASH_SALT to a secret (the same as the tap's pii_salt), or set"
            ~ " var hash_emails: false to leave e-mails out of the marts."
        ) }}
    {%- endif -%}
    {{ return(salt) }}
{%- endmacro %}


{% macro hash_email(expression) -%}
    {%- if clickup_extras.as_bool(var('hash_emails', true)) -%}
    case
        when nullif(trim({{ expression }}), '') is null then null
        when lower(trim({{ expression }})) ~ '^[0-9a-f]{64}$' then lower(trim({{ expression }}))
        else encode(
            sha256(convert_to({{ clickup_extras.sql_literal(clickup_extras.email_hash_salt()) }} || lower(trim({{ expression }})), 'UTF8')),
            'hex'
        )
    end
    {%- else -%}
    null::text
    {%- endif -%}
{%- endmacro %}


{#- a safe column name for a custom field name: cf_<lower-case ascii slug>; emoji and symbols drop out -#}
{% macro custom_field_column_name(field_name) -%}
    {%- set ns = namespace(slug='', underscore=false) -%}
    {%- for ch in (field_name ~ '') | lower -%}
        {%- if ch in 'abcdefghijklmnopqrstuvwxyz0123456789' -%}
            {%- if ns.underscore and ns.slug != '' -%}{%- set ns.slug = ns.slug ~ '_' -%}{%- endif -%}
            {%- set ns.slug = ns.slug ~ ch -%}
            {%- set ns.underscore = false -%}
        {%- else -%}
            {%- set ns.underscore = true -%}
        {%- endif -%}
    {%- endfor -%}
    {%- if ns.slug == '' -%}
        {%- set ns.slug = 'field_' ~ local_md5(field_name ~ '')[:8] -%}
    {%- endif -%}
    {{ return(('cf_' ~ ns.slug)[:63]) }}
{%- endmacro %}


{#-
    An array of objects reduced to one property of each element, in order, as a jsonb array
    (cast to data_type when given); an empty array for an empty array, null when not an array.
-#}
{% macro jsonb_array_pluck(expression, key, data_type=none) -%}
    {%- set element = "element.value ->> " ~ clickup_extras.sql_literal(key) -%}
    case
        when jsonb_typeof({{ expression }}) = 'array' then coalesce((
            select jsonb_agg(
                {{- clickup_extras.safe_cast(element, data_type) if data_type else element }} order by element.ordinality)
            from jsonb_array_elements({{ expression }}) with ordinality as element (value, ordinality)
        ), '[]'::jsonb)
    end
{%- endmacro %}
