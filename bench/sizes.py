"""Benchmark sizes (small | medium | large) and the sandbox workspace each extraction uses.

Every extraction section of one size runs against the same generated workspace (same seed,
sizes and rate limit), so their requests, wall times and completeness compare directly.

``large`` is the real thing: 10,000 tasks, 25 members, six months of time entries, ClickUp's
100 requests a minute in real time. ``medium`` and ``small`` shrink the workspace and raise the
rate (``time_scale`` times ClickUp's, with a shorter window), and every tap is told the same
scaled budget, so wall time compared with requests ÷ rate still shows whether a tap keeps the
budget busy, and a tap that ignores the limit still meets 429s.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

SIZES = ("small", "medium", "large")
#: ClickUp's rate limit on the Free, Unlimited and Business plans: 100 requests a minute.
CLICKUP_RATE_PER_SECOND = 100 / 60
DEFAULT_SIZE = "medium"


@dataclass(frozen=True)
class Workspace:
    """A sandbox workspace and its rate limit."""

    tasks: int
    members: int
    months: int
    #: Requests a token may make per window (ClickUp: 100 a minute on the cheapest plans).
    rate_limit: int = 100
    window_seconds: float = 60.0
    #: Tasks changed between the full and the incremental run.
    changed_tasks: int = 100
    seed: int = 42

    @property
    def rate_per_second(self) -> float:
        return self.rate_limit / self.window_seconds

    @property
    def time_scale(self) -> float:
        """How many times ClickUp's 100 requests a minute the sandbox allows."""
        return round(self.rate_per_second / CLICKUP_RATE_PER_SECOND, 2)

    def sandbox_args(self) -> list[str]:
        """Arguments of ``clickup-sandbox serve`` for this workspace."""
        return [
            "--tasks", str(self.tasks), "--members", str(self.members),
            "--months", str(self.months), "--seed", str(self.seed),
            "--rate-limit", str(self.rate_limit),
            "--rate-window-seconds", f"{self.window_seconds:g}",
        ]  # fmt: skip

    def parameters(self) -> dict[str, float | int | str]:
        """The workspace as a section's ``parameters``."""
        return {
            "tasks": self.tasks,
            "members": self.members,
            "months": self.months,
            "rate_limit_per_window": self.rate_limit,
            "rate_window_s": self.window_seconds,
            "time_scale": self.time_scale,
            "seed": self.seed,
        }


WORKSPACES: dict[str, Workspace] = {
    "small": Workspace(tasks=300, members=10, months=2, window_seconds=2.0, changed_tasks=10),
    # 50 per 6 s: five times ClickUp's rate, and a window small enough that a tap that does not
    # pace itself meets 429s on a 2,000-task workspace.
    "medium": Workspace(
        tasks=2_000, members=25, months=6, rate_limit=50, window_seconds=6.0, changed_tasks=20
    ),
    "large": Workspace(tasks=10_000, members=25, months=6, window_seconds=60.0, changed_tasks=100),
}


class SizeError(ValueError):
    """An unknown benchmark size."""


def check_size(size: str) -> str:
    """``size`` if it is one of SIZES, else a one-line error."""
    if size not in SIZES:
        raise SizeError(f"unknown benchmark size {size!r}: use one of {', '.join(SIZES)}")
    return size


def workspace(size: str) -> Workspace:
    """The extraction workspace of a size."""
    return WORKSPACES[check_size(size)]


def size_from_env() -> str:
    """``BENCH_SIZE`` (default medium)."""
    return check_size(os.environ.get("BENCH_SIZE", "").strip() or DEFAULT_SIZE)
