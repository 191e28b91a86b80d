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
    A webhook's raw custom-field value as display text, exactly as the tap's value_text of the same
    value polled (custom_field_decoding.sql): put in the task-read form, then rendered by the SQL
    twin of the tap's decoders. Null when not set (null, [] or "": a webhook's cleared field).
    `options` is the field definition's options array (jsonb). `value_as_read`: a column that
    already holds custom_field_value_as_read(value): pass it in a model, since the decoder repeats
    its input dozens of times and an inlined read form makes the SQL hundreds of kB.
-#}
{% macro webhook_value_text(value, field_type, options, value_as_read=none) -%}
    case
        when {{ clickup_extras.webhook_value_is_set(value) }} then
            {{ clickup_extras.custom_field_value_text(
                value_as_read or clickup_extras.custom_field_value_as_read(value, field_type, options),
                field_type,
                options
            ) }}
    end
{%- endmacro %}
