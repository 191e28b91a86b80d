"""Per-stream counters of a run, shared by the sinks (which drain in parallel threads)."""

from __future__ import annotations

import threading
import typing as t
from dataclasses import asdict, dataclass


@dataclass
class StreamCounts:
    """What happened to one stream during the run."""

    rows_received: int = 0
    rows_inserted: int = 0
    rows_deleted: int = 0
    batches: int = 0
    nul_characters_removed: int = 0
    surrogates_replaced: int = 0


class RunProgress:
    """Thread-safe counters per stream."""

    def __init__(self) -> None:
        """Start with no streams."""
        self._lock = threading.Lock()
        self._streams: dict[str, StreamCounts] = {}

    def add(self, stream: str, **increments: int) -> StreamCounts:
        """Add to a stream's counters; return a copy of the totals."""
        with self._lock:
            counts = self._streams.setdefault(stream, StreamCounts())
            for name, value in increments.items():
                setattr(counts, name, getattr(counts, name) + value)
            return StreamCounts(**asdict(counts))

    def snapshot(self) -> dict[str, dict[str, t.Any]]:
        """All counters as plain JSON-ready dicts."""
        with self._lock:
            return {name: asdict(counts) for name, counts in sorted(self._streams.items())}
