"""The ClickUp webhook endpoints over ``requests``: create, list, update, delete.

A 429 waits until ``X-RateLimit-Reset`` (epoch seconds; a value that looks like milliseconds is
read as such), 5xx and broken connections back off; both with bounded tries. Other errors fail at
once with ClickUp's ``err``/``ECODE``. The token goes in the ``Authorization`` header only, and
never into a message.
"""

from __future__ import annotations

import time
import typing as t
from collections.abc import Callable

import requests

from target_extras.webhooks.errors import ClickUpApiError

MAX_TRIES = 5
MAX_RATE_LIMIT_WAIT_SECONDS = 120.0


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
        self.session = requests.Session()
        self.session.headers["Authorization"] = token
        self.session.headers["User-Agent"] = "target-extras-webhooks"
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
            if response.status_code == 429 and not last:
                self.rate_limit_waits += 1
                self.sleep(self._wait_for_reset(response))
                continue
            if response.status_code >= 500 and not last:
                self.sleep(min(2.0**attempt, 30.0))
                continue
            if response.status_code >= 400:
                raise ClickUpApiError(
                    f"{what}: HTTP {response.status_code} {_error_text(response)}"
                )
            try:
                return response.json() if response.content else {}
            except ValueError:
                raise ClickUpApiError(f"{what}: the answer is not JSON") from None
        raise AssertionError("unreachable")

    def _wait_for_reset(self, response: requests.Response) -> float:
        raw = response.headers.get("X-RateLimit-Reset", "")
        try:
            reset = float(raw)
        except ValueError:
            return 1.0
        if reset > 1e11:  # milliseconds
            reset /= 1000.0
        return min(max(reset - self.clock(), 0.0) + 0.05, MAX_RATE_LIMIT_WAIT_SECONDS)


def _error_text(response: requests.Response) -> str:
    try:
        data = response.json()
    except ValueError:
        return response.reason or ""
    if isinstance(data, dict) and ("err" in data or "ECODE" in data):
        return f"{data.get('err', '')} ({data.get('ECODE', '')})".strip()
    return response.reason or ""
