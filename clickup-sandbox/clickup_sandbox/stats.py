"""Request counters for GET /_sandbox/stats, keyed by endpoint template and by token."""

from __future__ import annotations

import threading
from typing import Any


class Stats:
    """Thread-safe counters of API requests, throttles and injected faults."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.reset()

    def reset(self) -> None:
        """Zero every counter."""
        with self._lock:
            self.total = 0
            self.throttled = 0
            self.faults_injected = 0
            self.by_endpoint: dict[str, int] = {}
            self.by_token: dict[str, int] = {}
            self.by_status: dict[str, int] = {}

    def record(
        self, endpoint: str, token: str, status: int | None, *, throttled: bool, fault: bool
    ) -> None:
        """Count one request; ``status`` is None when the connection was dropped."""
        with self._lock:
            self.total += 1
            self.throttled += int(throttled)
            self.faults_injected += int(fault)
            self.by_endpoint[endpoint] = self.by_endpoint.get(endpoint, 0) + 1
            key = token or "<none>"
            self.by_token[key] = self.by_token.get(key, 0) + 1
            code = "reset" if status is None else str(status)
            self.by_status[code] = self.by_status.get(code, 0) + 1

    def snapshot(self) -> dict[str, Any]:
        """The counters as JSON."""
        with self._lock:
            return {
                "total": self.total,
                "throttled": self.throttled,
                "faults_injected": self.faults_injected,
                "by_endpoint": dict(self.by_endpoint),
                "by_token": dict(self.by_token),
                "by_status": dict(self.by_status),
            }
