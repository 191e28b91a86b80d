"""A tiny ClickUp client bound to one sandbox, and a helper to start in-process sandboxes."""

from __future__ import annotations

from typing import Any

import requests
from clickup_sandbox.config import SandboxConfig
from clickup_sandbox.server import SandboxServer

TOKEN = "pk_sandbox"
OTHER_TOKEN = "pk_other"


class Api:
    """A tiny ClickUp client bound to one sandbox."""

    def __init__(self, server: SandboxServer, token: str | None = TOKEN) -> None:
        self.server = server
        self.url = server.url
        self.session = requests.Session()
        if token is not None:
            self.session.headers["Authorization"] = token

    def get(self, path: str, params: Any = None, **kwargs: Any) -> requests.Response:
        return self.session.get(self.url + path, params=params, timeout=30, **kwargs)

    def ok(self, path: str, params: Any = None) -> Any:
        response = self.get(path, params)
        assert response.status_code == 200, (path, response.status_code, response.text[:300])
        return response.json()

    def control(self, method: str, path: str, json: Any = None) -> Any:
        response = self.session.request(
            method, self.server.base_url + "/_sandbox" + path, json=json, timeout=60
        )
        assert response.status_code == 200, response.text
        return response.json()


def start(**overrides: Any) -> SandboxServer:
    """A started in-process sandbox (port 0 = a free port)."""
    base: dict[str, Any] = {"tokens": (TOKEN, OTHER_TOKEN), "rate_limit": 1_000_000}
    return SandboxServer(SandboxConfig(**{**base, **overrides})).start()
