-- One row per current comment that is assigned to someone and not resolved, and not deleted (a
-- complete re-read of its task no longer returned it: int_comments_deleted). Empty (same columns)
-- until the comments stream, not selected by default, has been loaded (stg_clickup_extras__comments).
with

comments as (

    select * from {{ ref('stg_clickup_extras__comments') }}

),

deleted_comments as (

    select * from {{ ref('int_comments_deleted') }}

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
    left join deleted_comments
        on comments.comment_id = deleted_comments.comment_id
    where
        deleted_comments.comment_id is null
        and comments.assignee_user_id is not null
        and not coalesce(comments.is_resolved, false)

)

select * from final
