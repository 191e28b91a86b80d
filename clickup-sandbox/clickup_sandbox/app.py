"""The sandbox application, independent of HTTP: state, lock, auth, rate limits and dispatch.

``server.py`` feeds it requests and writes its answers to sockets; fault injection, which needs
the socket, stays there.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs

from clickup_sandbox import routes
from clickup_sandbox.config import SandboxConfig
from clickup_sandbox.faults import FaultInjector
from clickup_sandbox.generator import OWNER_USER_ID, generate
from clickup_sandbox.handlers.common import ApiError, ApiRequest
from clickup_sandbox.model import State
from clickup_sandbox.ratelimit import RateDecision, RateLimiter
from clickup_sandbox.request_log import RequestLog
from clickup_sandbox.stats import Stats
from clickup_sandbox.webhook_delivery import WebhookDispatcher

UNMATCHED = "unmatched"


def now_ms() -> int:
    """The sandbox clock: real time, in ms."""
    return int(time.time() * 1000)


@dataclass(slots=True)
class ApiResponse:
    """What to send back for one API request."""

    status: int
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)
    endpoint: str = UNMATCHED
    token: str = ""
    throttled: bool = False


def encode(body: Any) -> bytes:
    """Compact JSON; non-ASCII (emoji field names) is \\u-escaped, which the C encoder does fastest."""
    return json.dumps(body, separators=(",", ":")).encode()


def parse_token(header: str | None) -> str | None:
    """The token of an ``Authorization`` header (raw ``pk_...`` or ``Bearer ...``)."""
    if header is None:
        return None
    value = header.strip()
    if value.lower().startswith("bearer "):
        value = value[7:].strip()
    return value


class SandboxApp:
    """One sandbox: the generated state plus everything that guards access to it."""

    def __init__(self, config: SandboxConfig) -> None:
        self.config = config
        self.lock = threading.RLock()
        self.state: State = generate(config)
        self.limiter = RateLimiter(config.rate_limit, config.rate_window_seconds)
        self.faults = FaultInjector()
        self.stats = Stats()
        self.requests = RequestLog()
        self.tokens: dict[str, int] = dict.fromkeys(config.tokens, OWNER_USER_ID)
        self.webhooks = WebhookDispatcher(config, self.lock, lambda: self.state)

    def regenerate(self) -> None:
        """Rebuild the workspace from the original seed; clear rate windows, fault rules, the
        request log and webhook deliveries."""
        fresh = generate(self.config)
        with self.lock:
            self.state = fresh
        self.limiter.reset()
        self.faults.clear()
        self.requests.clear()
        self.webhooks.reset()

    def rate_key(self, auth_header: str | None) -> str:
        """The budget a request is charged to: its token (or the empty string)."""
        return parse_token(auth_header) or ""

    def peek_rate(self, auth_header: str | None) -> RateDecision:
        """The budget of the request's token, without charging it."""
        return self.limiter.peek(self.rate_key(auth_header))

    def handle_api(
        self, method: str, path: str, query: str, auth_header: str | None, raw_body: bytes
    ) -> ApiResponse:
        """Answer one request to /api/v2; ``path`` is relative to /api/v2."""
        token = self.rate_key(auth_header)
        found = routes.match(method, path)
        endpoint = found[0].key if found else UNMATCHED
        decision = self.limiter.hit(token)
        headers = decision.headers()
        if not decision.allowed:
            body = {"err": "Rate limit reached", "ECODE": "APP_002"}
            return ApiResponse(429, encode(body), headers, endpoint, token, throttled=True)
        try:
            user_id = self._authenticate(auth_header)
            if found is None:
                raise ApiError(404, "Route not found", "APP_001")
            route, params = found
            request = ApiRequest(
                method=method,
                params=params,
                query=parse_qs(query, keep_blank_values=True),
                body=self._json_body(raw_body),
                user_id=user_id,
                now_ms=now_ms(),
            )
            with self.lock:
                payload = route.handler(self.state, request)
            body = payload if isinstance(payload, bytes) else encode(payload)
            return ApiResponse(200, body, headers, endpoint, token)
        except ApiError as exc:
            return ApiResponse(exc.status, encode(exc.body()), headers, endpoint, token)

    def _authenticate(self, auth_header: str | None) -> int:
        token = parse_token(auth_header)
        if not token:
            raise ApiError(401, "Authorization header required", "OAUTH_017")
        user_id = self.tokens.get(token)
        if user_id is None:
            raise ApiError(401, "Token invalid", "OAUTH_025")
        return user_id

    @staticmethod
    def _json_body(raw: bytes) -> Any:
        if not raw.strip():
            return None
        try:
            return json.loads(raw)
        except (json.JSONDecodeError, UnicodeDecodeError):
            raise ApiError(400, "Body is not valid JSON", "INPUT_002") from None
