-- One row per known stint of a task in a status: entered_at, left_at (the next stint's start) and
-- the duration. ClickUp's time-in-status API reports, per (task, status), when the task first
-- entered it (`since`) and, for the current status, when the current stint began (`current_since`).
-- Every version kept in the task_status_history history adds the stints it reveals, so a status
-- entered, left and re-entered between two syncs shows its first stint only (its total time stays
-- exact in total_minutes_in_status).
with

status_versions as (

    select * from {{ ref('stg_clickup_extras__task_status_history_history') }}
    where deleted_at is null

),

current_statuses as (

    select * from {{ ref('stg_clickup_extras__task_status_history') }}

),

stint_starts as (

    select
        task_id,
        status,
        since_at as entered_at
    from status_versions
    where since_at is not null

    union

    select
        task_id,
        status,
        current_since_at as entered_at
    from status_versions
    where is_current and current_since_at is not null

),

stints as (

    select
        task_id,
        status,
        entered_at,
        lead(entered_at) over (partition by task_id order by entered_at, status) as left_at,
        lag(status) over (partition by task_id order by entered_at, status) as previous_status,
        lead(status) over (partition by task_id order by entered_at, status) as next_status,
        row_number() over (partition by task_id order by entered_at, status) as stint_number
    from stint_starts

),

final as (

    select
        md5(stints.task_id || '|' || stints.status || '|' || stints.entered_at::text) as status_interval_id,
        stints.task_id,
        current_statuses.team_id,
        stints.status,
        current_statuses.status_type,
        current_statuses.status_color,
        current_statuses.orderindex as status_orderindex,
        stints.stint_number,
        stints.previous_status,
        stints.next_status,
        stints.entered_at,
        stints.left_at,
        stints.left_at is null as is_current,
        round(extract(epoch from (stints.left_at - stints.entered_at)) / 60.0, 3) as duration_minutes,
        current_statuses.total_minutes as total_minutes_in_status
    from stints
    inner join current_statuses
        on
        stints.task_id = current_statuses.task_id
        and stints.status = current_statuses.status

)

select * from final
