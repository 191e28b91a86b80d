"""Control endpoints of the webhook deliveries (no auth, not rate limited).

| request | answer |
|---|---|
| ``GET /_sandbox/webhook_events`` | ``{"events": [...], "pending": n, "settings": {...}}``: every event sent |
| ``POST /_sandbox/webhook_events/wait`` ``{"timeout_seconds"}`` | waits until nothing is queued |
| ``GET /_sandbox/webhooks/config`` | the delivery settings |
| ``POST /_sandbox/webhooks/config`` ``{"duplicate_rate", ...}`` | changes them |
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from clickup_sandbox.app import SandboxApp


def handle_webhooks(app: SandboxApp, method: str, path: str, body: Any) -> tuple[int, Any]:
    """Answer one webhook control request; returns (status, JSON body)."""
    dispatcher = app.webhooks
    if (method, path) == ("GET", "/_sandbox/webhook_events"):
        return 200, dispatcher.ground_truth()
    if (method, path) == ("POST", "/_sandbox/webhook_events/wait"):
        try:
            timeout = float((body or {}).get("timeout_seconds", 30))
        except (TypeError, ValueError, AttributeError):
            return 400, {"error": "timeout_seconds must be a number"}
        idle = dispatcher.wait_idle(timeout)
        return 200, {"idle": idle, "pending": dispatcher.pending()}
    if (method, path) == ("GET", "/_sandbox/webhooks/config"):
        return 200, asdict(dispatcher.settings)
    if (method, path) == ("POST", "/_sandbox/webhooks/config"):
        if not isinstance(body, dict):
            return 400, {"error": "body must be an object"}
        try:
            dispatcher.settings.update(body)
        except (TypeError, ValueError) as exc:
            return 400, {"error": str(exc)}
        return 200, asdict(dispatcher.settings)
    return 404, {"error": f"unknown control endpoint {method} {path}"}
