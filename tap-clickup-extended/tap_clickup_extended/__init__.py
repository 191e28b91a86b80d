"""tap-clickup-extended: a Singer tap for the ClickUp data Airbyte's connector leaves out.

Imported by: Meltano (the `tap-clickup-extended` executable), its own tests, `tests/` and the
sandbox's documented-example tests. It never imports `target_extras`, `orchestrate` or the
sandbox.
"""

__version__ = "0.2.0"
