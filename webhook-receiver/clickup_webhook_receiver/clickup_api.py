"""The ClickUp webhook endpoints over ``requests``: create, list, update, delete.

Auth, the rate-limit headers and ClickUp's error text come from the tap's
``tap_clickup_extended.clickup_http`` (one reading of ClickUp for both). A 429 waits until
``X-RateLimit-Reset`` (``clickup_http.seconds_until_reset``: epoch seconds, or milliseconds
when the value is above a hundred times the clock), 5xx and broken connections back off; both
with bounded tries. Other errors fail at once with ClickUp's ``err``/``ECODE``. The token goes
in the ``Authorization`` header only, and never into a message.
"""

from __future__ import annotations

import time
import typing as t
from collections.abc import Callable

import requests
from tap_clickup_extended.clickup_http import (
    Disposition,
    auth_headers,
    classify,
    error_text,
    seconds_until_reset,
)

from clickup_webhook_receiver.errors import ClickUpApiError

MAX_TRIES = 5
MAX_RATE_LIMIT_WAIT_SECONDS = 120.0
#: Added to the time until the reset, so the retry lands after it.
RESET_MARGIN_SECONDS = 0.05
#: The wait after a 429 without a readable ``X-RateLimit-Reset``.
UNKNOWN_RESET_WAIT_SECONDS = 1.0


class ClickUpClient:
    """A small client for the webhook endpoints of ClickUp API v2."""

    def __init__(
        self,
        token: str,
        base_url: str,
        *,
        timeout: float = 30.0,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.sleep = sleep
        self.clock = clock
        self.token = token
        self.session = requests.Session()
        self.session.headers.update(auth_headers(token, "clickup-webhooks"))
        self.rate_limit_waits = 0

    def create_webhook(self, team_id: str, body: dict[str, t.Any]) -> dict[str, t.Any]:
        """``POST /team/{team_id}/webhook``: ``{id, webhook{..., secret}}``."""
        created: dict[str, t.Any] = self.request("POST", f"/team/{team_id}/webhook", body)
        return created

    def list_webhooks(self, team_id: str) -> list[dict[str, t.Any]]:
        """``GET /team/{team_id}/webhook``: the token owner's webhooks in that workspace."""
        return list(self.request("GET", f"/team/{team_id}/webhook").get("webhooks", []))

    def update_webhook(self, webhook_id: str, body: dict[str, t.Any]) -> dict[str, t.Any]:
        """``PUT /webhook/{id}`` (``status: active`` reactivates a suspended webhook)."""
        updated: dict[str, t.Any] = self.request("PUT", f"/webhook/{webhook_id}", body)
        return updated

    def delete_webhook(self, webhook_id: str) -> None:
        """``DELETE /webhook/{id}``."""
        self.request("DELETE", f"/webhook/{webhook_id}")

    def request(self, method: str, path: str, body: t.Any = None) -> t.Any:
        """One API call with the retry rules above; the decoded JSON body."""
        what = f"{method} {path}"
        for attempt in range(1, MAX_TRIES + 1):
            last = attempt == MAX_TRIES
            try:
                response = self.session.request(
                    method, self.base_url + path, json=body, timeout=self.timeout
                )
            except requests.RequestException as exc:
                if last:
                    raise ClickUpApiError(f"{what}: {type(exc).__name__} (gave up)") from None
                self.sleep(min(2.0**attempt, 30.0))
                continue
            disposition = classify(response.status_code)
            if disposition is Disposition.RATE_LIMITED and not last:
                self.rate_limit_waits += 1
                self.sleep(self.wait_for_reset(response))
                continue
            if disposition is Disposition.RETRY and not last:
                self.sleep(min(2.0**attempt, 30.0))
                continue
            if disposition is not Disposition.OK:
                text = error_text(response, (self.token,))
                raise ClickUpApiError(f"{what}: HTTP {response.status_code} {text}")
            try:
                return response.json() if response.content else {}
            except ValueError:
                raise ClickUpApiError(f"{what}: the answer is not JSON") from None
        raise AssertionError("unreachable")

    def wait_for_reset(self, response: requests.Response) -> float:
        """Seconds a 429 waits: until its ``X-RateLimit-Reset`` (bounded), else one second."""
        wait = seconds_until_reset(
            response.headers,
            self.clock(),
            margin=RESET_MARGIN_SECONDS,
            max_wait=MAX_RATE_LIMIT_WAIT_SECONDS,
        )
        return UNKNOWN_RESET_WAIT_SECONDS if wait is None else wait
