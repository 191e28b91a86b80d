"""Configuration of a sandbox instance: sizes, seed, rate limits, accepted tokens, webhooks."""

from __future__ import annotations

from dataclasses import dataclass

DEFAULT_TOKEN = "pk_sandbox"


@dataclass(frozen=True, slots=True)
class SandboxConfig:
    """Everything that shapes a sandbox; the generated workspace depends only on the size fields."""

    host: str = "127.0.0.1"
    port: int = 0
    seed: int = 42
    tasks: int = 300
    members: int = 24
    workspaces: int = 1
    months: int = 7
    rate_limit: int = 100
    rate_window_seconds: float = 60.0
    tokens: tuple[str, ...] = (DEFAULT_TOKEN,)
    verbose: bool = False
    #: Workspaces without the Total Time in Status ClickApp (team ids; ``"*"`` for all).
    no_time_in_status: tuple[str, ...] = ()
    # Webhook deliveries (see webhook_delivery.py); also settable at run time.
    webhook_duplicate_rate: float = 0.0
    webhook_reorder_rate: float = 0.0
    webhook_timeout_seconds: float = 7.0
    webhook_retry_delay_seconds: float = 1.0
