{#
    Validity ranges [lower_bound_column, upper_bound_column) within each partition must not overlap,
    must not be inverted, and only the last range of a partition may be open (upper bound null).
    With gaps='not_allowed', each range must also start exactly where the previous one ended.
#}
{% test mutually_exclusive_ranges(model, lower_bound_column, upper_bound_column, partition_by=none, gaps='allowed') %}

with

ranges as (

    select
        {{ lower_bound_column }} as lower_bound,
        {{ upper_bound_column }} as upper_bound,
        {%- if partition_by %}
        {{ partition_by }},
        {%- endif %}
        lead({{ lower_bound_column }}) over (
            {% if partition_by %}partition by {{ partition_by }}{% endif %}
            order by {{ lower_bound_column }}, {{ upper_bound_column }} nulls last
        ) as next_lower_bound,
        row_number() over (
            {% if partition_by %}partition by {{ partition_by }}{% endif %}
            order by {{ lower_bound_column }}, {{ upper_bound_column }} nulls last
        ) as range_number,
        count(*) over (
            {% if partition_by %}partition by {{ partition_by }}{% endif %}
        ) as range_count
    from {{ model }}

),

validated as (

    select
        *,
        lower_bound is not null as has_lower_bound,
        upper_bound is null or lower_bound <= upper_bound as is_ordered,
        upper_bound is not null or range_number = range_count as open_range_is_last,
        next_lower_bound is null or upper_bound <= next_lower_bound as does_not_overlap,
        {%- if gaps == 'not_allowed' %}
        next_lower_bound is null or upper_bound = next_lower_bound as has_no_gap
        {%- else %}
        true as has_no_gap
        {%- endif %}
    from ranges

)

select *
from validated
where not (has_lower_bound and is_ordered and open_range_is_last and does_not_overlap and has_no_gap)

{% endtest %}
