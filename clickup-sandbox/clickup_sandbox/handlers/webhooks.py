"""Webhook registration: create, list (the caller's own), update (reactivate) and delete.

Deliveries are sent by ``webhook_delivery.py``.
"""

from __future__ import annotations

import secrets
import uuid
from typing import Any

from clickup_sandbox import serialize
from clickup_sandbox.handlers import common
from clickup_sandbox.handlers.common import ApiError, ApiRequest, bad_request
from clickup_sandbox.model import State, Webhook

LOCATIONS = ("task_id", "list_id", "folder_id", "space_id")  # most specific first


def create(state: State, req: ApiRequest) -> Any:
    """POST /team/{team_id}/webhook with ``{endpoint, events, space_id?, ...}``."""
    ws = common.team(state, req.params["team_id"])
    body = req.body if isinstance(req.body, dict) else None
    if body is None:
        raise bad_request("Body must be a JSON object", "INPUT_002")
    endpoint = body.get("endpoint")
    events = body.get("events")
    if not isinstance(endpoint, str) or not endpoint:
        raise bad_request("endpoint is required", "OAUTH_140")
    if not isinstance(events, list) or not events or not all(isinstance(e, str) for e in events):
        raise bad_request("events must be a non-empty array of event names", "OAUTH_141")
    location: dict[str, str | None] = dict.fromkeys(LOCATIONS)
    for name in LOCATIONS:
        if body.get(name) not in (None, ""):
            location[name] = str(body[name])
            break  # the most specific location wins
    for existing in state.webhooks.values():
        if (
            existing.team_id == ws.id
            and existing.endpoint == endpoint
            and sorted(existing.events) == sorted(events)
            and all(getattr(existing, k) == v for k, v in location.items())
        ):
            raise ApiError(400, "Webhook configuration already exists", "OAUTH_171")
    hook = Webhook(
        id=str(uuid.uuid4()),
        user_id=req.user_id,
        team_id=ws.id,
        endpoint=endpoint,
        client_id=secrets.token_hex(16).upper(),
        events=list(events),
        secret=secrets.token_hex(32).upper(),
        **location,
    )
    state.webhooks[hook.id] = hook
    return {"id": hook.id, "webhook": serialize.webhook(hook)}


def list_hooks(state: State, req: ApiRequest) -> Any:
    """GET /team/{team_id}/webhook: the caller's webhooks in that workspace."""
    ws = common.team(state, req.params["team_id"])
    return {
        "webhooks": [
            serialize.webhook(w)
            for w in state.webhooks.values()
            if w.team_id == ws.id and w.user_id == req.user_id
        ]
    }


def update(state: State, req: ApiRequest) -> Any:
    """PUT /webhook/{webhook_id} with ``{endpoint, events, status}``; ``status: active``
    reactivates a failing or suspended webhook and zeroes its ``fail_count``."""
    hook = state.webhooks.get(req.params["webhook_id"])
    if hook is None or hook.user_id != req.user_id:
        raise ApiError(404, "Webhook not found", "OAUTH_172")
    body = req.body if isinstance(req.body, dict) else None
    if body is None:
        raise bad_request("Body must be a JSON object", "INPUT_002")
    endpoint = body.get("endpoint", hook.endpoint)
    events = body.get("events", hook.events)
    if isinstance(events, str):  # the spec's example sends "*"
        events = [e.strip() for e in events.split(",") if e.strip()]
    if not isinstance(endpoint, str) or not endpoint:
        raise bad_request("endpoint must be a non-empty string", "OAUTH_140")
    if not isinstance(events, list) or not events or not all(isinstance(e, str) for e in events):
        raise bad_request("events must be a non-empty array of event names", "OAUTH_141")
    status = body.get("status")
    if status not in (None, "active"):
        raise bad_request("status can only be set to active", "OAUTH_173")
    hook.endpoint, hook.events = endpoint, list(events)
    if status == "active":
        hook.status, hook.fail_count = "active", 0
    return {"id": hook.id, "webhook": serialize.webhook(hook)}


def delete(state: State, req: ApiRequest) -> Any:
    """DELETE /webhook/{webhook_id}: answers ``{}``."""
    hook = state.webhooks.get(req.params["webhook_id"])
    if hook is None or hook.user_id != req.user_id:
        raise ApiError(404, "Webhook not found", "OAUTH_172")
    del state.webhooks[hook.id]
    return {}
