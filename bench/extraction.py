"""Shared by the extraction sections: the sandbox's request counts around one run, the workspace
minimum of a full sync, rate figures."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Generic, Protocol, TypeVar

from bench.request_minimum import workspace_minimum
from bench.sizes import Workspace
from orchestrate.sandbox_runner import SANDBOX_TOKEN, Sandbox

TOKEN = SANDBOX_TOKEN
#: Tasks changed between the full and the incremental run (the sandbox's realistic mutations).
MUTATION_KINDS = ["rename_task", "close_task", "set_custom_field", "reassign_task", "move_task"]


def log(message: str) -> None:
    """Progress on stderr."""
    print(message, file=sys.stderr, flush=True)


def start_date(ws: Workspace) -> datetime:
    """The start date every extractor gets (the workspace's whole history)."""
    return datetime.now(UTC) - timedelta(days=round(ws.months * 30.5))


def start_ms(ws: Workspace) -> int:
    """``start_date`` in ms since the epoch."""
    return int(start_date(ws).timestamp() * 1000)


class TimedRun(Protocol):
    """What the rate figures need of one extractor run (a Singer ``TapRun``, an Airbyte sync)."""

    @property
    def wall_time_s(self) -> float: ...

    @property
    def record_count(self) -> int: ...


R = TypeVar("R", bound=TimedRun)


@dataclass
class Counted(Generic[R]):
    """One run with what the sandbox counted while it ran."""

    run: R
    requests: int
    throttled: int
    by_endpoint: dict[str, int]
    #: Responses by HTTP status ("200", "404", "429", "reset" for a dropped connection).
    by_status: dict[str, int] = field(default_factory=dict)


def counted(box: Sandbox, run: Callable[[], R]) -> Counted[R]:
    """Zero the sandbox's counters, run, read them."""
    box.reset_stats()
    outcome = run()
    stats = box.stats()
    return Counted(
        run=outcome,
        requests=int(stats["total"]),
        throttled=int(stats["throttled"]),
        by_endpoint=dict(stats["by_endpoint"]),
        by_status=dict(stats.get("by_status", {})),
    )


def full_sync_minimum(export: dict[str, Any], ws: Workspace, start: int) -> int:
    """The workspace minimum of a full sync: every task, time entries from ``start`` (ms) to now."""
    every_task = {task["id"] for task in export["tasks"]}
    span = int(time.time() * 1000) - start
    parts = workspace_minimum(export, task_ids=every_task, scan_span_ms=span, members=ws.members)
    return sum(parts.values())


def rate_figures(counts: Counted[Any], minimum: int, ws: Workspace) -> dict[str, float]:
    """Requests vs the minimum, wall time vs requests ÷ rate, 429s."""
    ideal = counts.requests / ws.rate_per_second
    return {
        "requests_count": counts.requests,
        "minimum_requests_count": minimum,
        "requests_vs_minimum_ratio": round(counts.requests / max(1, minimum), 4),
        "wall_time_s": round(counts.run.wall_time_s, 2),
        "requests_over_rate_s": round(ideal, 2),
        "wall_vs_requests_over_rate_ratio": round(counts.run.wall_time_s / max(ideal, 1e-9), 4),
        "throttled_count": counts.throttled,
        "records_count": counts.run.record_count,
    }


def print_section(report: dict[str, Any]) -> None:
    """A short table of a section's results on stderr (standalone runs)."""
    from bench.report_table import section_table

    log(section_table(report))
