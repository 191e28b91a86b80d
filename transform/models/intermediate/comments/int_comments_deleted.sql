-- Comments deleted in ClickUp, detected from the comment scans (data-contracts §1). A scan is one
-- complete read of one task's comments and lists every comment id it returned; the current scan of
-- a task is its latest. A comment is deleted when its task's current scan, made no earlier than the
-- comment's current version was read, does not list it. A scan is proof for its own task only.
with

comments as (

    select * from {{ ref('stg_clickup_extras__comments') }}

),

scans as (

    select * from {{ ref('stg_clickup_extras__comment_scans') }}

),

final as (

    select
        comments.comment_id,
        comments.task_id,
        scans.scanned_at as missing_since_scanned_at
    from comments
    inner join scans
        on comments.task_id = scans.task_id
    where
        comments.extracted_at <= scans.scanned_at
        and not coalesce(scans.comment_ids ? comments.comment_id, false)

)

select * from final
