"""A second client of the same token: spends a steady share of the rate budget.

ClickUp's budget is per token, and our users' tokens are also spent by Airbyte. Tests and
benchmarks start one of these beside the tap to check that the tap slows down instead of
collecting 429s. It sends ``GET /user`` evenly spaced, ``per_window`` times per
``window_seconds``, and counts what it got back. ``seconds`` stops it on its own after that
long; ``after_first_request`` makes it wait until the sandbox has seen a request of another
client on the same token (the tap's first), so a scenario starts when the run does.
"""

from __future__ import annotations

import json
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
        self,
        api_url: str,
        token: str,
        per_window: float,
        window_seconds: float = 60.0,
        *,
        seconds: float | None = None,
        after_first_request: bool = False,
    ) -> None:
        self.url = api_url.rstrip("/") + "/user"
        self.stats_url = api_url.rstrip("/").removesuffix("/api/v2") + "/_sandbox/stats"
        self.token = token
        self.interval = window_seconds / per_window
        self.seconds = seconds
        self.after_first_request = after_first_request
        self.counts = SpendCounts()
        #: ``time.monotonic()`` of its first request (``None`` before).
        self.started_at: float | None = None
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
        if self.after_first_request and not self._wait_for_first_request():
            return
        self.started_at = next_at = time.monotonic()
        while not self._stop.is_set():
            if self.seconds is not None and time.monotonic() - self.started_at >= self.seconds:
                return
            self._send()
            next_at += self.interval
            self._stop.wait(max(0.0, next_at - time.monotonic()))

    def _wait_for_first_request(self) -> bool:
        """Poll the sandbox's counters until the token has been used; False when stopped."""
        while not self._stop.is_set():
            try:
                with urllib.request.urlopen(self.stats_url, timeout=10) as response:
                    used = json.load(response).get("by_token", {}).get(self.token, 0)
            except OSError:
                used = 0
            if used:
                return True
            self._stop.wait(0.01)
        return False

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
