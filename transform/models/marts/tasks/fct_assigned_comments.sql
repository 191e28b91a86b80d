-- One row per current comment that is assigned to someone and not resolved. Empty (same columns)
-- until the comments stream, not selected by default, has been loaded (stg_clickup_extras__comments).
with

comments as (

    select * from {{ ref('stg_clickup_extras__comments') }}

),

tasks as (

    select * from {{ ref('stg_clickup_extras__tasks') }}

),

final as (

    select
        comments.comment_id,
        comments.task_id,
        coalesce(comments.team_id, tasks.team_id) as team_id,
        tasks.list_id,
        tasks.task_name,
        comments.assignee_user_id,
        comments.assigned_by_user_id,
        comments.author_user_id,
        comments.comment_text,
        comments.reply_count,
        comments.commented_at,
        comments.extracted_at
    from comments
    left join tasks
        on comments.task_id = tasks.task_id
    where
        comments.assignee_user_id is not null
        and not coalesce(comments.is_resolved, false)

)

select * from final
