"""The control API under /_sandbox (no auth, not rate limited): stats, export, mutate, faults,
the request log, hostile strings, webhook deliveries."""

from __future__ import annotations

import json
from typing import Any

from clickup_sandbox.app import SandboxApp, now_ms
from clickup_sandbox.export import export
from clickup_sandbox.faults import FaultRule, FaultRuleError
from clickup_sandbox.hostile_text import handle as handle_hostile
from clickup_sandbox.mutate import MutationError, Mutator
from clickup_sandbox.webhook_control import handle_webhooks


def handle(app: SandboxApp, method: str, path: str, raw_body: bytes) -> tuple[int, Any]:
    """Answer one control request; returns (status, JSON body)."""
    try:
        body = json.loads(raw_body) if raw_body.strip() else {}
    except (json.JSONDecodeError, UnicodeDecodeError):
        return 400, {"error": "body is not valid JSON"}
    key = (method, path.rstrip("/"))
    if key == ("GET", "/_sandbox/stats"):
        return 200, {**app.stats.snapshot(), "webhooks": app.webhooks.stats()}
    if key == ("POST", "/_sandbox/stats/reset"):
        app.stats.reset()
        return 200, {"ok": True}
    if key == ("GET", "/_sandbox/export"):
        with app.lock:
            return 200, export(app.state, now_ms())
    if key == ("POST", "/_sandbox/mutate"):
        return _mutate(app, body)
    if key == ("POST", "/_sandbox/hostile"):
        with app.lock:
            return handle_hostile(app.state, body, now_ms())
    if key == ("POST", "/_sandbox/reset"):
        app.regenerate()
        return 200, {"ok": True}
    if key == ("GET", "/_sandbox/faults"):
        return 200, {"rules": app.faults.rules()}
    if key == ("POST", "/_sandbox/faults"):
        return _add_faults(app, body)
    if key == ("DELETE", "/_sandbox/faults"):
        app.faults.clear()
        return 200, {"ok": True}
    if key == ("GET", "/_sandbox/requests"):
        return 200, {"requests": [entry.as_json() for entry in app.requests.entries()]}
    if key == ("DELETE", "/_sandbox/requests"):
        app.requests.clear()
        return 200, {"ok": True}
    if key[1].startswith(("/_sandbox/webhook_events", "/_sandbox/webhooks")):
        return handle_webhooks(app, *key, body)
    if key == ("GET", "/_sandbox/config"):
        cfg = app.config
        return 200, {
            "seed": cfg.seed,
            "tasks": cfg.tasks,
            "members": cfg.members,
            "workspaces": cfg.workspaces,
            "months": cfg.months,
            "rate_limit": cfg.rate_limit,
            "rate_window_seconds": cfg.rate_window_seconds,
            "team_ids": list(app.state.workspaces),
        }
    return 404, {"error": f"unknown control endpoint {method} {path}"}


def _mutate(app: SandboxApp, body: Any) -> tuple[int, Any]:
    if not isinstance(body, dict):
        return 400, {"error": "body must be an object"}
    try:
        count = int(body.get("count", 1))
        seed = int(body.get("seed", 0))
    except (TypeError, ValueError):
        return 400, {"error": "count and seed must be integers"}
    kinds = body.get("kinds")
    if kinds is not None and (not isinstance(kinds, list) or not kinds):
        return 400, {"error": "kinds must be a non-empty array"}
    restrictions = {name: body.get(name) for name in ("task_ids", "field_ids")}
    for name, ids in restrictions.items():
        if ids is not None and (
            not isinstance(ids, list) or not ids or not all(isinstance(i, str) for i in ids)
        ):
            return 400, {"error": f"{name} must be a non-empty array of id strings"}
    with app.lock:
        before = app.webhooks.snapshot(app.state)
        try:
            result = Mutator(app.state, seed, now_ms, **restrictions).run(count, kinds)
        except MutationError as exc:
            return 400, {"error": str(exc)}
        app.webhooks.publish(app.state, before)
        return 200, result


def _add_faults(app: SandboxApp, body: Any) -> tuple[int, Any]:
    rules = body.get("rules") if isinstance(body, dict) else None
    if not isinstance(rules, list):
        return 400, {"error": 'body must be {"rules": [...]}'}
    try:
        parsed = [FaultRule.from_json(r) for r in rules]
    except FaultRuleError as exc:
        return 400, {"error": str(exc)}
    app.faults.add(parsed)
    return 200, {"rules": app.faults.rules()}
