"""target-extras: a Singer target landing change-only history tables in PostgreSQL.

Imported by: Meltano (the `target-extras` executable), its own tests, `tests/` and the webhook
receiver (`clickup_webhook_receiver`: `errors`, `airbyte_guard`). It never imports
`tap_clickup_extended`, the receiver, `orchestrate` or the sandbox.
"""

__version__ = "0.2.0"
