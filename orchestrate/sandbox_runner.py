"""Start the ClickUp sandbox as a child process and talk to its control API."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import requests

READY_LINE = re.compile(r"clickup-sandbox ready: (http://127\.0\.0\.1:\d+/api/v2)")
SANDBOX_TOKEN = "pk_sandbox"


class SandboxError(RuntimeError):
    """The sandbox did not start or answered its control API with an error."""


@dataclass
class Sandbox:
    """A running sandbox: its API base URL and its control endpoints."""

    api_url: str
    process: subprocess.Popen[str] | None = None

    @property
    def root_url(self) -> str:
        return self.api_url.removesuffix("/api/v2")

    def _control(self, method: str, path: str, **kwargs: Any) -> Any:
        response = requests.request(
            method, f"{self.root_url}/_sandbox/{path}", timeout=120, **kwargs
        )
        if response.status_code >= 400:
            raise SandboxError(
                f"sandbox {method} /_sandbox/{path}: {response.status_code} {response.text}"
            )
        return response.json() if response.content else None

    def stats(self) -> dict[str, Any]:
        return self._control("GET", "stats")

    def reset_stats(self) -> None:
        self._control("POST", "stats/reset")

    def export(self) -> dict[str, Any]:
        return self._control("GET", "export")

    def mutate(
        self,
        count: int,
        seed: int = 7,
        kinds: list[str] | None = None,
        task_ids: list[str] | None = None,
        field_ids: list[str] | None = None,
    ) -> dict[str, Any]:
        """Seeded changes (sandbox README); only these tasks / custom fields when given."""
        body: dict[str, Any] = {"count": count, "seed": seed}
        if kinds:
            body["kinds"] = kinds
        if task_ids:
            body["task_ids"] = task_ids
        if field_ids:
            body["field_ids"] = field_ids
        return self._control("POST", "mutate", json=body)

    def set_faults(self, rules: list[dict[str, Any]]) -> None:
        self._control("POST", "faults", json={"rules": rules})

    def pending_faults(self) -> list[dict[str, Any]]:
        """The fault rules that have not fired all their shots yet."""
        return list(self._control("GET", "faults")["rules"])

    def clear_faults(self) -> None:
        self._control("DELETE", "faults")

    def configure_webhooks(self, **settings: Any) -> None:
        """Delivery settings, e.g. ``duplicate_rate=0.3, reorder_rate=0.3`` (sandbox README)."""
        self._control("POST", "webhooks/config", json=settings)

    def wait_for_webhooks(self, timeout_seconds: float = 60) -> dict[str, Any]:
        """Block until every queued delivery was made or given up; ``{"idle": bool, ...}``."""
        return self._control(
            "POST", "webhook_events/wait", json={"timeout_seconds": timeout_seconds}
        )

    def webhook_events(self) -> dict[str, Any]:
        """The ground truth of what the sandbox sent (``GET /_sandbox/webhook_events``)."""
        return self._control("GET", "webhook_events")


def sandbox_command() -> str:
    """The clickup-sandbox executable installed beside this interpreter."""
    candidate = Path(sys.executable).parent / "clickup-sandbox"
    return (
        str(candidate)
        if candidate.exists()
        else (shutil.which("clickup-sandbox") or "clickup-sandbox")
    )


@contextmanager
def running_sandbox(*args: str, startup_timeout: float = 120.0) -> Iterator[Sandbox]:
    """Run `clickup-sandbox serve --port 0 ARGS...` for the duration of the block."""
    process = subprocess.Popen(
        [sandbox_command(), "serve", "--port", "0", *args],
        stdout=subprocess.PIPE,
        stderr=None,
        text=True,
    )
    try:
        url = _wait_for_ready_line(process, startup_timeout)
        yield Sandbox(api_url=url, process=process)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


def _wait_for_ready_line(process: subprocess.Popen[str], timeout: float) -> str:
    found: list[str] = []

    def read() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            match = READY_LINE.search(line)
            if match:
                found.append(match.group(1))
                return

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    reader.join(timeout)
    if not found:
        process.kill()
        raise SandboxError(
            f"clickup-sandbox did not print its ready line within {timeout:.0f} s "
            f"(exit code {process.poll()})"
        )
    # Keep draining stdout so the child never blocks on a full pipe.
    threading.Thread(target=lambda: process.stdout and process.stdout.read(), daemon=True).start()
    return found[0]
