-- Airbyte may hold several rows per task (append syncs, resets): keep the freshest one; among
-- equally fresh rows, one that Airbyte loaded without changes (`_airbyte_meta`) first.
with

airbyte_tasks as (

    select * from {{ ref('stg_airbyte__tasks') }}

),

ranked as (

    select
        *,
        row_number() over (
            partition by task_id
            order by
                updated_at desc nulls last,
                has_airbyte_changes asc,
                extracted_at desc nulls last,
                airbyte_raw_id desc
        ) as recency_rank
    from airbyte_tasks
    where task_id is not null

)

select * from ranked
where recency_rank = 1
