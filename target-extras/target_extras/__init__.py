"""target-extras: a Singer target landing change-only history tables in PostgreSQL.

Imported by: Meltano (the `target-extras` executable), its own tests and `tests/`. It never
imports `tap_clickup_extended`, `orchestrate` or the sandbox.
"""

__version__ = "0.2.0"
