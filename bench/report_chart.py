"""The PNG chart of a benchmark run: one panel per comparison, one bar per system.

Extraction sections share panels (completeness, requests ÷ workspace minimum, wall time ÷
(requests ÷ rate)), so ours, tap-clickup and Airbyte stand side by side. Other sections get the
panels listed in PANELS, or, for a section not listed, one panel of the first figure all its
systems report (``wall_time_s`` when they all have it). Our systems (``(ours)`` in the name)
are drawn in the accent colour; a system that failed (``"status": "failed"``) keeps its bars,
the figures it reached, marked ``[failed]``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")  # files only, no display

import matplotlib.pyplot as plt

from bench.report_table import format_number

EXTRACTION = ("tap_extraction", "tap_clickup", "airbyte_extraction")
OURS_COLOUR, OTHER_COLOUR = "#2b7bba", "#a0a0a0"


@dataclass(frozen=True)
class Panel:
    """One bar chart: a figure of some sections' systems (or several figures of one system)."""

    title: str
    modules: tuple[str, ...]
    figures: tuple[str, ...]
    note: str = ""
    #: Where the ideal is (a dashed line): a number, or a figure's name (its value in the
    #: first result that has it).
    reference: float | str | None = None


PANELS: tuple[Panel, ...] = (
    Panel("Extraction: completeness vs ground truth (%)", EXTRACTION, ("completeness_pct",),
          "tasks, time entries, typed custom-field values; 100 is best", 100.0),
    Panel("Extraction: requests, full sync", EXTRACTION, ("requests_count",),
          "dashed: the fewest the API allows for the whole workspace", "minimum_requests_count"),
    Panel("Extraction: wall time ÷ (requests ÷ rate limit)", EXTRACTION,
          ("wall_vs_requests_over_rate_ratio",), "1.0 = the budget kept busy", 1.0),
    Panel("Incremental: requests ÷ minimum", ("incremental_extraction",),
          ("requests_vs_minimum_ratio",), "after N changed tasks; 1.0 = the minimum", 1.0),
    Panel("Loading: rows a second", ("target_load",), ("rows_per_s",), "higher is better"),
    Panel("Loading: peak memory (MB)", ("target_load",), ("peak_rss_mb",), "lower is better"),
    Panel("Webhook receiver: latency (ms)", ("webhook_receiver_load",),
          ("latency_p50_ms", "latency_p95_ms", "latency_p99_ms"), "lower is better"),
)  # fmt: skip


def _bars(panel: Panel, sections: dict[str, dict[str, Any]]) -> list[tuple[str, float, bool]]:
    """(label, value, whether it is ours) of every bar the panel has in this run."""
    bars: list[tuple[str, float, bool]] = []
    for module in panel.modules:
        section = sections.get(module)
        if not section:
            continue
        for result in section["results"]:
            for name in panel.figures:
                value = result["figures"].get(name)
                if isinstance(value, int | float):
                    label = result["system"]
                    if result.get("status") == "failed":  # the figures it reached
                        label += " [failed]"
                    if len(panel.figures) > 1:  # several figures of one system: name them
                        label = (
                            name.split("_")[-2]
                            if len(section["results"]) == 1
                            else (f"{label}: {name.split('_')[-2]}")
                        )
                    bars.append((label, float(value), "(ours)" in result["system"]))
    return bars


def _fallback(module: str, section: dict[str, Any]) -> Panel | None:
    """A panel for a section PANELS does not know: a figure every system reports."""
    results = section["results"]
    common = [n for n in results[0]["figures"] if all(n in r["figures"] for r in results[1:])]
    if not common:
        return None
    name = "wall_time_s" if "wall_time_s" in common else common[0]
    short = section["title"].split(":")[0]
    return Panel(f"{short}: {name.replace('_', ' ')}", (module,), (name,))


def panels_for(report: dict[str, Any]) -> list[tuple[Panel, list[tuple[str, float, bool]]]]:
    """Every panel with at least one bar, in PANELS order, then the fallbacks."""
    sections = {s["module"]: s for s in report["sections"] if s["status"] == "ok"}
    chosen = []
    covered: set[str] = set()
    for panel in PANELS:
        bars = _bars(panel, sections)
        if bars:
            chosen.append((panel, bars))
            covered.update(m for m in panel.modules if m in sections and _bars(
                Panel("", (m,), panel.figures), sections))  # fmt: skip
    for module, section in sections.items():
        if module in covered:
            continue
        panel = _fallback(module, section)
        if panel:
            chosen.append((panel, _bars(panel, sections)))
    return chosen


def write_chart(report: dict[str, Any], path: Path) -> Path | None:
    """Draw the run's panels into ``path`` (PNG); None when no section produced a number."""
    chosen = panels_for(report)
    sections = {s["module"]: s for s in report["sections"] if s["status"] == "ok"}
    if not chosen:
        return None
    columns = min(3, len(chosen))
    rows = math.ceil(len(chosen) / columns)
    fig, axes = plt.subplots(rows, columns, figsize=(6.2 * columns, 3.1 * rows), squeeze=False)
    for ax, (panel, bars) in zip(axes.flat, chosen, strict=False):
        labels = [label for label, _, _ in bars][::-1]
        values = [value for _, value, _ in bars][::-1]
        colours = [OURS_COLOUR if ours else OTHER_COLOUR for _, _, ours in bars][::-1]
        drawn = ax.barh(range(len(values)), values, color=colours)
        ax.set_yticks(range(len(values)), [_wrap(label) for label in labels], fontsize=8)
        ax.bar_label(drawn, [format_number(v) for v in values], padding=3, fontsize=8)
        ax.set_title(panel.title, fontsize=10, loc="left")
        reference = _reference(panel, sections)
        if reference is not None:
            ax.axvline(reference, color="#444444", linestyle="--", linewidth=0.8)
        if panel.note:
            ax.set_xlabel(panel.note, fontsize=8, color="#555555")
        ax.margins(x=0.25)
        ax.tick_params(axis="x", labelsize=8)
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
    for ax in list(axes.flat)[len(chosen) :]:
        ax.set_visible(False)
    machine = report["machine"]
    fig.suptitle(
        f"make bench, size {report['size']}, {report['finished_at'][:10]}, "
        f"{machine['cpus']} CPUs, {machine['database']}",
        fontsize=11,
    )
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def _reference(panel: Panel, sections: dict[str, dict[str, Any]]) -> float | None:
    if panel.reference is None or isinstance(panel.reference, float):
        return panel.reference
    for module in panel.modules:
        for result in sections.get(module, {}).get("results", []):
            value = result["figures"].get(panel.reference)
            if isinstance(value, int | float):
                return float(value)
    return None


def _wrap(label: str, width: int = 28) -> str:
    """Break a long system name onto two lines at a space."""
    if len(label) <= width or " " not in label:
        return label
    cut = label.rfind(" ", 0, width)
    cut = cut if cut > 0 else label.find(" ")
    return label[:cut] + "\n" + label[cut + 1 :]
