"""Per-stream request accounting: records, requests, retries, seconds waited, 404s, repairs."""

from __future__ import annotations

from dataclasses import dataclass, field, fields


@dataclass
class StreamStats:
    """Counters of one stream for the whole run."""

    records: int = 0
    requests: int = 0
    retries: int = 0
    waited_seconds: float = 0.0
    skipped_not_found: int = 0
    #: Lone UTF-16 surrogate escapes replaced by U+FFFD in this stream's responses.
    surrogates_replaced: int = 0

    def line(self, name: str) -> str:
        """One human-readable summary line (repairs only when there were some)."""
        repaired = (
            f" surrogates_replaced={self.surrogates_replaced}" if self.surrogates_replaced else ""
        )
        return (
            f"{name}: records={self.records} requests={self.requests} retries={self.retries} "
            f"waited_seconds={self.waited_seconds:.1f} skipped_404={self.skipped_not_found}"
            f"{repaired}"
        )


@dataclass
class RunStats:
    """Counters of every stream; one instance per tap run."""

    streams: dict[str, StreamStats] = field(default_factory=dict)

    def for_stream(self, name: str) -> StreamStats:
        """The (created on first use) counters of ``name``."""
        return self.streams.setdefault(name, StreamStats())

    def total(self) -> StreamStats:
        """The sum over all streams."""
        total = StreamStats()
        for stats in self.streams.values():
            for counter in fields(StreamStats):
                value = getattr(total, counter.name) + getattr(stats, counter.name)
                setattr(total, counter.name, value)
        return total

    def summary_lines(self) -> list[str]:
        """One line per stream (sorted by name) and a total line."""
        lines = [self.streams[name].line(name) for name in sorted(self.streams)]
        lines.append(self.total().line("TOTAL"))
        return lines
