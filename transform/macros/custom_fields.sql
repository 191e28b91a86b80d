{#-
    A custom field's name and type: the current definition (stg_clickup_extras__custom_fields) names
    and types the field; the value row's own copy covers fields whose definition we have not seen.
    `values` and `definitions` are the aliases of the value rows and of the joined definitions.
-#}
{% macro custom_field_name_and_type(values, definitions='definitions') -%}
    coalesce({{ definitions }}.field_name, {{ values }}.field_name) as field_name,
        coalesce({{ definitions }}.field_type, {{ values }}.field_type) as field_type
{%- endmacro %}


{#-
    Preference of a webhook event name for one change: ClickUp sends a specific event
    (taskStatusUpdated, taskMoved, ...) and again as taskUpdated with the same history item;
    the specific name ranks first (0), taskUpdated next (1), a missing name last (2).
-#}
{% macro webhook_event_name_rank(event_name) -%}
    case when {{ event_name }} is null then 2 when {{ event_name }} = 'taskUpdated' then 1 else 0 end
{%- endmacro %}


{#-
    Whether a raw custom-field value as a webhook history item carries it (`before`/`after`) is
    set: not null, not an empty array, not an empty string.
-#}
{% macro webhook_value_is_set(value) -%}
    coalesce(
        jsonb_typeof({{ value }}) is not null
        and jsonb_typeof({{ value }}) <> 'null'
        and {{ value }} <> '[]'::jsonb
        and {{ value }} <> '""'::jsonb,
        false
    )
{%- endmacro %}


{#-
    A webhook's raw custom-field value as display text, like the tap's value_text: drop-down option
    id (or orderindex) -> option name; labels ids -> names joined with ', '; users -> usernames (else
    ids); tasks -> ids; location -> formatted address; checkbox -> true/false; other scalars as text.
    `options` is the field definition's options array (jsonb).
-#}
{% macro webhook_value_text(value, field_type, options) -%}
    case
        when not {{ clickup_extras.webhook_value_is_set(value) }} then null
        when {{ field_type }} = 'drop_down' then coalesce((
            select option.value ->> 'name'
            from jsonb_array_elements(coalesce({{ options }}, '[]'::jsonb)) as option (value)
            where
                option.value ->> 'id' = {{ value }} #>> '{}'
                or option.value ->> 'orderindex' = {{ value }} #>> '{}'
            limit 1
        ), {{ value }} #>> '{}')
        when {{ field_type }} = 'labels' and jsonb_typeof({{ value }}) = 'array' then (
            select string_agg(
                coalesce(option.value ->> 'name', label.value #>> '{}'), ', ' order by label.ordinality
            )
            from jsonb_array_elements({{ value }}) with ordinality as label (value, ordinality)
            left join jsonb_array_elements(coalesce({{ options }}, '[]'::jsonb)) as option (value)
                on option.value ->> 'id' = label.value #>> '{}'
        )
        when {{ field_type }} in ('users', 'tasks') and jsonb_typeof({{ value }}) = 'array' then (
            select string_agg(
                case
                    when jsonb_typeof(element.value) = 'object'
                        then coalesce(element.value ->> 'username', element.value ->> 'id')
                    else element.value #>> '{}'
                end,
                ', ' order by element.ordinality
            )
            from jsonb_array_elements({{ value }}) with ordinality as element (value, ordinality)
        )
        when {{ field_type }} = 'location' and jsonb_typeof({{ value }}) = 'object'
            then {{ value }} ->> 'formatted_address'
        when jsonb_typeof({{ value }}) in ('object', 'array') then {{ value }}::text
        else {{ value }} #>> '{}'
    end
{%- endmacro %}
