"""ClickUp webhooks: a receiver that lands signed deliveries raw, and a command to manage them.

Modules: ``settings`` (configuration), ``signing`` (HMAC keys and verification), ``payload``
(what a delivery body says), ``tables`` (DDL and the Airbyte guard), ``store`` (the receiver's
database access), ``secret_store`` (webhook secrets kept in PostgreSQL), ``app`` (the HTTP
application), ``access_log`` (one JSON line per request), ``server`` (uvicorn on a bound socket),
``clickup_api`` (the ClickUp webhook endpoints), ``manage`` (register/list/delete), ``cli``.

Imported by: its CLI (`target-extras-webhooks`), `orchestrate/` and the tests. It imports
`target_extras`' errors and Airbyte guard, nothing of the tap.
"""
