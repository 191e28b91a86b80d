{#-
    The tap's custom-field decoder (tap_clickup_extended/decoding/custom_field_values.py) in SQL, for
    the values only webhooks report: one field's history must render every value the same way
    whichever path brought it. A webhook's before/after is first put in the form a task read gives
    (`custom_field_value_as_read`: a drop-down's option UUID becomes the option's orderindex,
    docs/clickup-api.md §9), then rendered as the tap renders it (`custom_field_value_text`).
    tests/e2e/test_custom_field_decoder_parity.py feeds the same (definition, value) pairs through
    both and requires equal results for every type of the tap's decoder registry: a change to
    either side must be made to the other.
-#}

{#-
    A jsonb value as the tap's `_json_text` writes it: json.dumps(sort_keys=True, ensure_ascii=False),
    keys in code-point order, ", " and ": " separators. Nested to `depth` levels (deeper ones as
    PostgreSQL writes them: its key order differs only for keys of unequal length).
-#}
{% macro custom_field_json_text(value, depth=4) -%}
    {%- if depth <= 0 -%}
    ({{ value }})::text
    {%- else -%}
    case jsonb_typeof({{ value }})
        when 'object' then '{' || coalesce((
            select string_agg(
                to_jsonb(member_{{ depth }}.key)::text || ': '
                || {{ clickup_extras.custom_field_json_text('member_' ~ depth ~ '.value', depth - 1) }},
                ', ' order by member_{{ depth }}.key collate "C"
            )
            from jsonb_each({{ value }}) as member_{{ depth }} (key, value)
        ), '') || '}'
        when 'array' then '[' || coalesce((
            select string_agg(
                {{ clickup_extras.custom_field_json_text('element_' ~ depth ~ '.value', depth - 1) }},
                ', ' order by element_{{ depth }}.ordinality
            )
            from jsonb_array_elements({{ value }}) with ordinality as element_{{ depth }} (value, ordinality)
        ), '') || ']'
        -- the tap reads non-integer numbers as Decimal, which json.dumps(default=str) quotes
        when 'number' then case
            when ({{ value }})::text ~ '^-?[0-9]+$' then ({{ value }})::text
            else to_jsonb({{ value }} #>> '{}')::text
        end
        else ({{ value }})::text
    end
    {%- endif -%}
{%- endmacro %}


{#- a jsonb value as the tap's `_scalar_text`: booleans true/false, strings and numbers as they are -#}
{#- (json_text: an expression already holding custom_field_json_text(value); depth: else its depth) -#}
{% macro custom_field_scalar_text(value, json_text=none, depth=4) -%}
    case
        when jsonb_typeof({{ value }}) = 'boolean' then {{ value }} #>> '{}'
        when jsonb_typeof({{ value }}) in ('string', 'number') then {{ value }} #>> '{}'
        else {{ json_text or clickup_extras.custom_field_json_text(value, depth) }}
    end
{%- endmacro %}


{#- the tap's `to_int`: an integer (truncated) from a number or numeric string, else null -#}
{% macro custom_field_to_int(value) -%}
    case
        when jsonb_typeof({{ value }}) in ('string', 'number')
            and trim({{ value }} #>> '{}') ~ {{ clickup_extras.numeric_pattern() }}
            then trunc(trim({{ value }} #>> '{}')::numeric)
    end
{%- endmacro %}


{#- the tap's `to_number` as text: the number as written, an integral one without its fraction -#}
{% macro custom_field_number_text(value) -%}
    case
        when jsonb_typeof({{ value }}) in ('string', 'number')
            and trim({{ value }} #>> '{}') ~ {{ clickup_extras.numeric_pattern() }}
            then case
                when trim({{ value }} #>> '{}')::numeric = trunc(trim({{ value }} #>> '{}')::numeric)
                    then trunc(trim({{ value }} #>> '{}')::numeric)::text
                else trim({{ value }} #>> '{}')::numeric::text
            end
    end
{%- endmacro %}


{#- the options of a definition's type_config (jsonb array), objects only -#}
{% macro custom_field_options(options) -%}
    (
        select coalesce(jsonb_agg(option.value order by option.ordinality), '[]'::jsonb)
        from jsonb_array_elements(
            case when jsonb_typeof({{ options }}) = 'array' then {{ options }} else '[]'::jsonb end
        ) with ordinality as option (value, ordinality)
        where jsonb_typeof(option.value) = 'object'
    )
{%- endmacro %}


{#- an option's display name, as the tap's `option_name`: `name`, else `label` (labels options) -#}
{% macro custom_field_option_name(option) -%}
    case when {{ option }} ? 'name' and jsonb_typeof({{ option }} -> 'name') <> 'null'
        then {{ option }} ->> 'name' else {{ option }} ->> 'label' end
{%- endmacro %}


{#-
    A webhook's raw custom-field value in the form a task read gives it: a drop-down's option UUID
    (what webhooks send) becomes that option's orderindex as an integer (what task reads give, §4;
    definitions may write it as a string); other values
    already have the read form (docs/clickup-api.md §9: unconfirmed for them).
-#}
{% macro custom_field_value_as_read(value, field_type, options) -%}
    case
        when {{ field_type }} = 'drop_down' and jsonb_typeof({{ value }}) = 'string' then coalesce((
            select to_jsonb({{ clickup_extras.custom_field_to_int("option.value -> 'orderindex'") }}::bigint)
            from jsonb_array_elements({{ clickup_extras.custom_field_options(options) }})
                with ordinality as option (value, ordinality)
            where option.value -> 'id' = {{ value }}
                and {{ clickup_extras.custom_field_to_int("option.value -> 'orderindex'") }} is not null
            order by option.ordinality
            limit 1
        ), {{ value }})
        else {{ value }}
    end
{%- endmacro %}


{#- a value given as a list, or one item as a list of one (the tap's `value if list else [value]`) -#}
{% macro custom_field_as_list(value) -%}
    case when jsonb_typeof({{ value }}) = 'array' then {{ value }} else jsonb_build_array({{ value }}) end
{%- endmacro %}


{#-
    A custom-field value in the read form as the tap's value_text, type by type (DECODERS of
    custom_field_values.py); null for an unset value (null or no value at all).

    Size: `value` is repeated dozens of times and custom_field_json_text doubles per level, so the
    whole value's JSON text is computed once (value_rendering.json_text) and values inside a list
    (a user, a task, a label id: scalars in practice) are rendered two levels deep, deeper levels
    as PostgreSQL writes them. Inlined in full, one call was ~150 kB of SQL.
-#}
{% macro custom_field_value_text(value, field_type, options) -%}
    {%- set items = clickup_extras.custom_field_as_list(value) -%}
    {%- set known = clickup_extras.custom_field_options(options) -%}
    {%- set index = clickup_extras.custom_field_to_int(value) -%}
    {%- set by_index = "from jsonb_array_elements(" ~ known ~ ") with ordinality as option (value, ordinality) where "
        ~ clickup_extras.custom_field_to_int("option.value -> 'orderindex'") ~ " = " ~ index -%}
    {%- set by_id = "from jsonb_array_elements(" ~ known ~ ") with ordinality as option (value, ordinality) where option.value -> 'id' = " ~ value -%}
    {%- set whole_json_text = 'value_rendering.json_text' -%}
    (select case
        when {{ value }} is null or jsonb_typeof({{ value }}) = 'null' then null
        -- an option by its orderindex (task reads), else by its id (writes, webhooks)
        when {{ field_type }} = 'drop_down' then case
            when exists (select 1 as matched {{ by_index }}) then (
                select {{ clickup_extras.custom_field_option_name('option.value') }}
                {{ by_index }}
                order by option.ordinality
                limit 1
            )
            when exists (select 1 as matched {{ by_id }}) then (
                select {{ clickup_extras.custom_field_option_name('option.value') }}
                {{ by_id }}
                order by option.ordinality
                limit 1
            )
            else {{ clickup_extras.custom_field_scalar_text(value, json_text=whole_json_text) }}
        end
        -- option ids (or objects) -> the options' names, else the ids; the last option of an id wins
        when {{ field_type }} = 'labels' then (
            select string_agg(
                coalesce(
                    {{ clickup_extras.custom_field_option_name(
                        "coalesce(known.value, case when jsonb_typeof(item.value) = 'object' then item.value end)"
                    ) }},
                    {{ clickup_extras.custom_field_python_str('item.option_key', depth=2) }}
                ),
                ', ' order by item.ordinality
            )
            from (
                select
                    element.value,
                    element.ordinality,
                    case
                        when jsonb_typeof(element.value) = 'object' then coalesce(element.value -> 'id', 'null'::jsonb)
                        else element.value
                    end as option_key
                from jsonb_array_elements({{ items }}) with ordinality as element (value, ordinality)
            ) as item
            left join lateral (
                select option.value
                from jsonb_array_elements({{ known }}) with ordinality as option (value, ordinality)
                where option.value -> 'id' = item.option_key
                order by option.ordinality desc
                limit 1
            ) as known on true
        )
        -- str(username or id) per user
        when {{ field_type }} = 'users' then (
            select string_agg(
                case
                    when jsonb_typeof(element.value) <> 'object'
                        then {{ clickup_extras.custom_field_python_str('element.value', depth=2) }}
                    when {{ clickup_extras.custom_field_is_truthy("element.value -> 'username'") }}
                        then {{ clickup_extras.custom_field_python_str("element.value -> 'username'", depth=2) }}
                    else {{ clickup_extras.custom_field_python_str("element.value -> 'id'", depth=2) }}
                end,
                ', ' order by element.ordinality
            )
            from jsonb_array_elements({{ items }}) with ordinality as element (value, ordinality)
        )
        when {{ field_type }} in ('tasks', 'list_relationship') then (
            select string_agg(
                case
                    when jsonb_typeof(element.value) = 'object'
                        then {{ clickup_extras.custom_field_python_str("element.value -> 'id'", depth=2) }}
                    else {{ clickup_extras.custom_field_python_str('element.value', depth=2) }}
                end,
                ', ' order by element.ordinality
            )
            from jsonb_array_elements({{ items }}) with ordinality as element (value, ordinality)
        )
        when {{ field_type }} = 'date' then to_char(
            {{ clickup_extras.custom_field_ms_to_timestamp(value) }} at time zone 'UTC',
            'YYYY-MM-DD"T"HH24:MI:SS.US"+00:00"'
        )
        when {{ field_type }} = 'checkbox' then case
            when jsonb_typeof({{ value }}) = 'boolean' then {{ value }} #>> '{}'
            when lower(trim({{ clickup_extras.custom_field_python_str(value, json_text=whole_json_text) }})) = 'true'
                then 'true'
            else 'false'
        end
        when {{ field_type }} = 'location' then case
            when jsonb_typeof({{ value }}) = 'object' then {{ value }} ->> 'formatted_address'
            else {{ clickup_extras.custom_field_scalar_text(value, json_text=whole_json_text) }}
        end
        when {{ field_type }} in ('manual_progress', 'automatic_progress', 'progress') then
            {{ clickup_extras.custom_field_number_text(
                "case when jsonb_typeof(" ~ value ~ ") = 'object' then " ~ value ~ " -> 'percent_completed' else " ~ value ~ " end"
            ) }}
        when {{ field_type }} in ('text', 'short_text', 'url', 'email', 'phone') then case
            when jsonb_typeof({{ value }}) = 'object' and {{ value }} ? 'value'
                then {{ clickup_extras.custom_field_scalar_text(value ~ " -> 'value'", depth=3) }}
            else {{ clickup_extras.custom_field_scalar_text(value, json_text=whole_json_text) }}
        end
        -- number, currency, emoji, formula and every type the tap does not know: the value as text
        else {{ clickup_extras.custom_field_scalar_text(value, json_text=whole_json_text) }}
    end
    from (select {{ clickup_extras.custom_field_json_text(value) }} as json_text) as value_rendering)
{%- endmacro %}


{#- Python's truth of a JSON value: null, false, 0, "", [] and {} are false -#}
{% macro custom_field_is_truthy(value) -%}
    coalesce(case jsonb_typeof({{ value }})
        when 'null' then false
        when 'boolean' then ({{ value }})::text = 'true'
        when 'number' then ({{ value }} #>> '{}')::numeric <> 0
        when 'string' then ({{ value }} #>> '{}') <> ''
        when 'array' then jsonb_array_length({{ value }}) > 0
        when 'object' then {{ value }} <> '{}'::jsonb
    end, false)
{%- endmacro %}


{#- Python's str() of a JSON value: None, True/False, strings and numbers as they are, else JSON -#}
{#- (json_text, depth: as for custom_field_scalar_text) -#}
{% macro custom_field_python_str(value, json_text=none, depth=4) -%}
    case
        when {{ value }} is null or jsonb_typeof({{ value }}) = 'null' then 'None'
        when jsonb_typeof({{ value }}) = 'boolean' then initcap({{ value }} #>> '{}')
        when jsonb_typeof({{ value }}) in ('string', 'number') then {{ value }} #>> '{}'
        else {{ json_text or clickup_extras.custom_field_python_repr(value, depth) }}
    end
{%- endmacro %}


{#- str() of a dict or list is Python's repr, which no SQL writes: the JSON text stands in (see the parity test) -#}
{% macro custom_field_python_repr(value, depth=4) -%}
    {{ clickup_extras.custom_field_json_text(value, depth) }}
{%- endmacro %}


{#- the tap's `ms_to_datetime`: ms (a number or numeric string, truncated) as timestamptz; 0 and non-numbers null -#}
{% macro custom_field_ms_to_timestamp(value) -%}
    case
        when jsonb_typeof({{ value }}) in ('string', 'number')
            and trim({{ value }} #>> '{}') ~ {{ clickup_extras.numeric_pattern() }}
            and trunc(trim({{ value }} #>> '{}')::numeric) <> 0
            and abs(trunc(trim({{ value }} #>> '{}')::numeric)) < 253402300800000
            then to_timestamp(trunc(trim({{ value }} #>> '{}')::numeric) / 1000.0)
    end
{%- endmacro %}
