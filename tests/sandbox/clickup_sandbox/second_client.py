"""A second client of the same token: spends a steady share of the rate budget.

ClickUp's budget is per token, and our users' tokens are also spent by Airbyte. Tests and
benchmarks start one of these beside the tap to check that the tap slows down instead of
collecting 429s. It sends ``GET /user`` evenly spaced, ``per_window`` times per
``window_seconds``, and counts what it got back.
"""

from __future__ import annotations

import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field


@dataclass
class SpendCounts:
    """What the second client sent and how the server answered."""

    sent: int = 0
    ok: int = 0
    throttled: int = 0
    other: int = 0
    statuses: dict[int, int] = field(default_factory=dict)


class SecondClient:
    """Spend ``per_window`` requests per ``window_seconds`` of ``token`` on a background thread."""

    def __init__(
        self, api_url: str, token: str, per_window: float, window_seconds: float = 60.0
    ) -> None:
        self.url = api_url.rstrip("/") + "/user"
        self.token = token
        self.interval = window_seconds / per_window
        self.counts = SpendCounts()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="second-client", daemon=True)

    def start(self) -> SecondClient:
        """Begin spending."""
        self._thread.start()
        return self

    def stop(self) -> SpendCounts:
        """Stop spending and return the counts."""
        self._stop.set()
        self._thread.join(timeout=10)
        return self.counts

    def __enter__(self) -> SecondClient:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _run(self) -> None:
        next_at = time.monotonic()
        while not self._stop.is_set():
            self._send()
            next_at += self.interval
            self._stop.wait(max(0.0, next_at - time.monotonic()))

    def _send(self) -> None:
        request = urllib.request.Request(self.url, headers={"Authorization": self.token})
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                status = response.status
                response.read()
        except urllib.error.HTTPError as exc:
            status = exc.code
        except OSError:
            status = 0
        counts = self.counts
        counts.sent += 1
        counts.statuses[status] = counts.statuses.get(status, 0) + 1
        if status == 200:
            counts.ok += 1
        elif status == 429:
            counts.throttled += 1
        else:
            counts.other += 1
