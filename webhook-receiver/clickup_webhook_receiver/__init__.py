"""clickup-webhook-receiver: lands signed ClickUp webhook deliveries raw, and manages webhooks.

Modules: ``settings`` (configuration), ``signing`` (HMAC keys and verification), ``payload``
(what a delivery body says), ``tables`` (DDL and the Airbyte guard), ``store`` (the receiver's
database access), ``secret_store`` (webhook secrets kept in PostgreSQL), ``app`` (the HTTP
application), ``access_log`` (one JSON line per request), ``server`` (uvicorn on a bound socket),
``clickup_api`` (the ClickUp webhook endpoints), ``manage`` (register/list/delete), ``cli``.

Imported by: its CLI (`clickup-webhooks`, alias `target-extras-webhooks`), `orchestrate/`, the
bench and the tests. It imports `target_extras`' errors and Airbyte guard, and the tap's
`tap_clickup_extended.clickup_http` (auth, rate-limit headers, error text); neither of those
imports it.
"""

__version__ = "0.2.0"
