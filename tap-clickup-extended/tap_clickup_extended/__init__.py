"""tap-clickup-extended: a Singer tap for the ClickUp data Airbyte's connector leaves out.

Imported by: Meltano (the `tap-clickup-extended` executable), its own tests, `tests/`, the
sandbox's documented-example tests, and the webhook receiver (`clickup_http` only: auth,
rate-limit headers, error text). It never imports `target_extras`, the receiver, `orchestrate`
or the sandbox.
"""

__version__ = "0.2.0"
