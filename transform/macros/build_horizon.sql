{#-
    Build horizons: incremental watermarks that concurrent writers cannot overtake.

    A row's id (an identity/sequence value) or its loaded_at (the writer's now(), its
    transaction's start) is taken when the row is written, not when it commits: a delivery with
    id 10 can commit after id 11, a landing batch started before another can commit after it.
    A watermark "id above the highest built" skips such a row for good.

    The transaction ids are what commit order respects here: every transaction whose id is below
    the snapshot's xmin (pg_snapshot_xmin(pg_current_snapshot())) has ended, so the rows they
    wrote are all visible, and no transaction still open (or started later) has an id below it.
    A run therefore builds the rows whose writing transaction (the row's xmin system column,
    widened to 64 bits) lies in [the previous run's horizon, this run's horizon): each committed
    row exactly once, whatever the order writers commit in, and whoever writes (target-extras'
    COPY through staging then INSERT ... SELECT, the webhook receiver's pooled inserts, an
    operator's INSERT). The rows of transactions still open wait for a later run.

    Limits: a long-open transaction holds the horizon back (an idle-in-transaction session
    stalls it): build_horizon() logs it with its pid, so a lagging mart is never silent. The
    32-bit xmin is widened relative to the horizon read: rows are assumed written less than
    2^31 transactions before (or after) that read; a restore into another cluster (new
    transaction ids) needs --full-refresh of the marts that use a horizon.
-#}

{#-
    The horizon of this run, read now: {'xmin': the snapshot's xmin (xid8 as int), 'xmax': its
    xmax}. Logs every session whose open transaction holds the horizon back for longer than var
    build_horizon_stall_warning_seconds (default 300). Zeros while parsing.
-#}
{% macro build_horizon() -%}
    {%- if not execute -%}
        {{ return({'xmin': 0, 'xmax': 0}) }}
    {%- endif -%}
    {%- set row = run_query(
        "select pg_snapshot_xmin(snapshot)::text::bigint, pg_snapshot_xmax(snapshot)::text::bigint"
        ~ " from (select pg_current_snapshot() as snapshot) as current_snapshot"
    ).rows[0] -%}
    {%- set horizon = {'xmin': row[0] | int, 'xmax': row[1] | int} -%}
    {%- set stall_seconds = var('build_horizon_stall_warning_seconds', 300) | int -%}
    {%- set holders = run_query(
        "select pid, coalesce(state, '?'), coalesce(application_name, ''),"
        ~ " coalesce(to_char(xact_start at time zone 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), '?'),"
        ~ " coalesce(extract(epoch from now() - xact_start)::bigint, 0)"
        ~ " from pg_stat_activity"
        ~ " where backend_xid is not null and pid <> pg_backend_pid()"
        ~ " and backend_xid::text::bigint = " ~ (horizon.xmin % 4294967296)
        ~ " and xact_start < now() - make_interval(secs => " ~ stall_seconds ~ ")"
    ).rows -%}
    {%- for holder in holders -%}
        {{ log(
            "build horizon of " ~ this ~ " held back at transaction " ~ horizon.xmin
            ~ " by pid " ~ holder[0] ~ " (" ~ holder[1] ~ ", application '" ~ holder[2]
            ~ "', open since " ~ holder[3] ~ ", " ~ holder[4] ~ " s): rows committed by"
            ~ " transactions from then on wait for a run after it ends"
            ~ " (pg_terminate_backend(" ~ holder[0] ~ ") ends a stuck session)",
            info=true
        ) }}
    {%- endfor -%}
    {{ return(horizon) }}
{%- endmacro %}


{#-
    SQL: the 64-bit id of the transaction that wrote a row, from its 32-bit xmin (an expression
    of type xid), widened to the value within 2^31 of the horizon's xmax.
-#}
{% macro row_transaction_id(xmin_expression, horizon) -%}
    {%- set reference = horizon.xmax + 2147483648 -%}
    ({{ reference }}::bigint - ((({{ reference % 4294967296 }}::bigint - ({{ xmin_expression }})::text::bigint) % 4294967296 + 4294967296) % 4294967296))
{%- endmacro %}


{#-
    SQL: whether a row is new to this run: written by a transaction in [previous, horizon.xmin)
    (previous: the horizon the stored rows were built to; none: no lower bound). xmin_expression
    must be a column (it is read twice).
-#}
{% macro written_within_horizon(xmin_expression, horizon, previous) -%}
    {%- set transaction_id = clickup_extras.row_transaction_id(xmin_expression, horizon) -%}
    {#- a null xmin: a unit test's fixture row (a table row always has one) -#}
    ({{ xmin_expression }} is null or (
    {%- if previous is none -%}
        {{ transaction_id }} < {{ horizon.xmin }}
    {%- else -%}
        {{ transaction_id }} >= {{ previous | int }} and {{ transaction_id }} < {{ horizon.xmin }}
    {%- endif -%}
    ))
{%- endmacro %}


{#-
    The horizon the stored rows of `relation` were built to: max(column), read at run time (none
    when the table has no such column yet or only nulls: built before horizons existed).
-#}
{% macro stored_build_horizon(relation, column='built_horizon_xid') -%}
    {#- a unit test's `this` is its fixture, a CTE name (a string): no stored horizon -#}
    {%- if not execute or relation is string -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set existing = adapter.get_columns_in_relation(relation) | map(attribute='name') | list -%}
    {%- if column not in existing -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set value = run_query('select max(' ~ column ~ ') from ' ~ relation).rows[0][0] -%}
    {{ return(none if value is none else value | int) }}
{%- endmacro %}


{#-
    The table behind `relation` (a source) as a plain name: `dbt build --empty` renders sources as
    an empty subquery, which has no xmin system column; a view over the table costs nothing empty.
-#}
{% macro table_with_system_columns(relation) -%}
    {{ return(api.Relation.create(
        database=relation.database, schema=relation.schema, identifier=relation.identifier
    )) }}
{%- endmacro %}
