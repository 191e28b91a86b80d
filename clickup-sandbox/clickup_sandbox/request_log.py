"""The API requests the sandbox answered, in order, for GET /_sandbox/requests.

Tests read it to check what a client asked for: which paths, with which query parameters and
``Authorization`` header, when, and what status it got (``None``: the connection was reset by an
injected fault). It keeps the most recent ``limit`` requests, so a long benchmark run stays small.
"""

from __future__ import annotations

import threading
from collections import deque
from dataclasses import dataclass
from typing import Any

DEFAULT_LIMIT = 100_000


@dataclass(frozen=True, slots=True)
class LoggedRequest:
    """One request to /api/v2 as the sandbox saw it."""

    method: str
    path: str
    query: dict[str, list[str]]
    authorization: str | None
    at: float
    status: int | None

    def as_json(self) -> dict[str, Any]:
        """The request for GET /_sandbox/requests."""
        return {
            "method": self.method,
            "path": self.path,
            "query": self.query,
            "authorization": self.authorization,
            "at": self.at,
            "status": self.status,
        }


class RequestLog:
    """A thread-safe, bounded, ordered log of API requests."""

    def __init__(self, limit: int = DEFAULT_LIMIT) -> None:
        self._lock = threading.Lock()
        self._entries: deque[LoggedRequest] = deque(maxlen=limit)

    def record(self, entry: LoggedRequest) -> None:
        """Append one answered request (the oldest drops out past the limit)."""
        with self._lock:
            self._entries.append(entry)

    def entries(self, path_contains: str = "") -> list[LoggedRequest]:
        """The logged requests, oldest first; only those whose path contains ``path_contains``."""
        with self._lock:
            return [e for e in self._entries if path_contains in e.path]

    def paths(self, path_contains: str = "") -> list[str]:
        """The paths of :meth:`entries`."""
        return [e.path for e in self.entries(path_contains)]

    def clear(self) -> None:
        """Forget every request."""
        with self._lock:
            self._entries.clear()
