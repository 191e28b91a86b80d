-- Tasks deleted in ClickUp: one row per task, with when its deletion was first known and how.
-- Two kinds of evidence (docs/clickup-api.md §10):
-- - complete_scan: the latest stored version of the task records its deletion (target-extras
--   marks a task deleted only when a complete scan of its workspace, the weekly reconciliation,
--   no longer returned it; an incremental run proves nothing);
-- - webhook: a taskDeleted delivery received after the task's latest stored version was
--   extracted (a task read again later, restored from the trash, is live).
-- A deletion is a fact, not a removal: the landing history and the history marts keep the task's
-- versions; the current marts leave the task out from deleted_at on.
with

task_versions as (

    select * from {{ ref('stg_clickup_extras__tasks_history') }}

),

deliveries as (

    select * from {{ ref('stg_clickup_webhooks__deliveries') }}

),

latest_versions as (

    select distinct on (task_id)
        task_id,
        deleted_at,
        extracted_at
    from task_versions
    order by task_id asc, extras_row_id desc

),

scan_deletions as (

    select
        task_id,
        deleted_at,
        'complete_scan' as deletion_source
    from latest_versions
    where deleted_at is not null

),

webhook_deletions as (

    select
        deliveries.task_id,
        min(deliveries.received_at) as deleted_at,
        'webhook' as deletion_source
    from deliveries
    left join latest_versions
        on deliveries.task_id = latest_versions.task_id
    where
        deliveries.event_name = 'taskDeleted'
        and deliveries.task_id is not null
        and (
            latest_versions.task_id is null
            or latest_versions.deleted_at is not null
            or deliveries.received_at > latest_versions.extracted_at
        )
    group by deliveries.task_id

),

evidence as (

    select * from scan_deletions
    union all
    select * from webhook_deletions

),

final as (

    select distinct on (task_id)
        task_id,
        deleted_at,
        deletion_source
    from evidence
    order by task_id asc, deleted_at asc, deletion_source asc

)

select * from final
