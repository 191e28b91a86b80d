"""Tables of benchmark results: plain text for the terminal, Markdown for the README.

One table per section, one row per figure and one column per system; the full-sync extraction
sections (ours, tap-clickup, Airbyte) share one table, so the systems stand side by side. A figure trio
``X_found_count``, ``X_expected_count``, ``X_pct`` shows as one row ``X``: "found / expected (pct %)".
A system whose result has ``"status": "failed"`` is headed ``<system> [failed]`` and its error line
follows the table, with the sections' and results' ``notes``.
"""

from __future__ import annotations

from typing import Any

UNITS = {
    "_per_s": "/s",
    "_ratio": "x",
    "_pct": "%",
    "_count": "",
    "_ms": "ms",
    "_mb": "MB",
    "_s": "s",
}


def _unit(name: str) -> tuple[str, str]:
    """(name without its unit suffix, unit label)."""
    for suffix, label in UNITS.items():
        if name.endswith(suffix):
            return name[: -len(suffix)], label
    return name, ""


def format_number(value: Any) -> str:
    """Integers with thousands separators, other numbers with three significant decimals."""
    if value is None:
        return "-"
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, int) or (
        isinstance(value, float) and value.is_integer() and abs(value) >= 100
    ):
        return f"{int(value):,}"
    if isinstance(value, float):
        return f"{value:,.3f}".rstrip("0").rstrip(".") if abs(value) < 100 else f"{value:,.1f}"
    return str(value)


def _rows(results: list[dict[str, Any]]) -> list[tuple[str, list[str]]]:
    """(label, one cell per system) for every figure, trios collapsed, first-seen order."""
    names: list[str] = []
    for result in results:
        for name in result.get("figures", {}):
            if name not in names:
                names.append(name)
    trios = {n.removesuffix("_found_count") for n in names if n.endswith("_found_count")}
    trios = {t for t in trios if f"{t}_expected_count" in names}
    rows: list[tuple[str, list[str]]] = []
    for name in names:
        stem = next((t for t in trios if name in _trio(t)), None)
        if stem is not None:
            if name != f"{stem}_found_count":
                continue
            cells = []
            for result in results:
                fig = result.get("figures", {})
                if f"{stem}_found_count" not in fig:
                    cells.append("-")
                    continue
                cell = f"{format_number(fig[f'{stem}_found_count'])} / "
                cell += format_number(fig.get(f"{stem}_expected_count"))
                if f"{stem}_pct" in fig:
                    cell += f" ({format_number(fig[f'{stem}_pct'])} %)"
                cells.append(cell)
            rows.append((f"{stem.replace('_', ' ')} (found / expected)", cells))
            continue
        base, unit = _unit(name)
        label = base.replace("_", " ") + (f" ({unit})" if unit else "")
        rows.append((label, [format_number(r.get("figures", {}).get(name)) for r in results]))
    return rows


#: Sections whose results share one table, and its title.
GROUPS = {
    module: "Extraction, full sync on one workspace: requests, wall time, completeness"
    for module in ("tap_extraction", "tap_clickup", "airbyte_extraction")
}


def grouped(sections: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The sections as tables: grouped ok sections merged into one (at the first one's place)."""
    tables: list[dict[str, Any]] = []
    merged: dict[str, dict[str, Any]] = {}
    for section in sections:
        group = GROUPS.get(section.get("module", ""))
        if group is None or section.get("status") != "ok":
            tables.append(section)
        elif group in merged:
            merged[group]["results"] = [*merged[group]["results"], *section["results"]]
            merged[group]["notes"] = [*merged[group].get("notes", []), *section.get("notes", [])]
        else:
            merged[group] = {**section, "title": group, "headline": {}}
            tables.append(merged[group])
    return tables


def _trio(stem: str) -> tuple[str, str, str]:
    return (f"{stem}_found_count", f"{stem}_expected_count", f"{stem}_pct")


def system_heading(result: dict[str, Any]) -> str:
    """The system's name, marked when it failed."""
    failed = result.get("status") == "failed"
    return result["system"] + (" [failed]" if failed else "")


def remarks(section: dict[str, Any]) -> list[str]:
    """Lines under a table: failed systems' errors, then the section's and the systems' notes."""
    lines = [
        f"{r['system']}: FAILED: {r.get('error')}"
        for r in section.get("results", [])
        if r.get("status") == "failed"
    ]
    lines += [f"note: {note}" for note in section.get("notes", [])]
    for result in section.get("results", []):
        lines += [f"note ({result['system']}): {note}" for note in result.get("notes", [])]
    return lines


def section_table(section: dict[str, Any]) -> str:
    """A plain-text table of one section (or its status line when it did not run)."""
    title = section.get("title") or section.get("module") or section.get("section", "?")
    status = section.get("status", "ok")
    if status != "ok":
        return f"== {title}: {status.upper()}: {section.get('error')}"
    results = section.get("results", [])
    header = ["figure", *[system_heading(r) for r in results]]
    body = [[label, *cells] for label, cells in _rows(results)]
    widths = [max(len(row[i]) for row in [header, *body]) for i in range(len(header))]
    lines = [f"== {title}"]
    for row in [header, *body]:
        lines.append(
            "  ".join(
                cell.ljust(widths[i]) if i == 0 else cell.rjust(widths[i])
                for i, cell in enumerate(row)
            )
        )
    headline = section.get("headline") or {}
    if headline:
        lines.append(
            "headline: " + ", ".join(f"{k} = {format_number(v)}" for k, v in headline.items())
        )
    lines += remarks(section)
    return "\n".join(lines)


def report_text(report: dict[str, Any]) -> str:
    """Every section's table and the run's summary line."""
    parts = [section_table(section) for section in grouped(report["sections"])]
    counts = report["summary"]
    parts.append(
        f"== {report['size']} run: {counts['ok_count']} ok, {counts['failed_count']} failed, "
        f"{counts['missing_count']} missing, {format_number(report['wall_time_s'])} s"
    )
    return "\n\n".join(parts)


def _md(cell: str) -> str:
    return cell.replace("|", "\\|")


def report_markdown(report: dict[str, Any]) -> str:
    """The README's results: one Markdown table per section that ran."""
    machine = report["machine"]
    load = machine.get("load_average_1m")
    where = machine["database"] + (f", 1-minute load average {load} at the start" if load else "")
    lines = [
        f"Size `{report['size']}`, measured {report['finished_at'][:10]} on {machine['cpus']} "
        f"CPUs ({where}); workspace and sizes in [`bench/README.md`](bench/README.md).",
    ]
    for section in grouped(report["sections"]):
        title = section.get("title") or section.get("module")
        if section.get("status") != "ok":
            lines += [
                "",
                f"**{_md(str(title))}**: {section.get('status')} ({_md(str(section.get('error')))})",
            ]
            continue
        results = section["results"]
        lines += ["", f"**{_md(title)}**", ""]
        lines.append("| | " + " | ".join(_md(system_heading(r)) for r in results) + " |")
        lines.append("|---|" + "---:|" * len(results))
        for label, cells in _rows(results):
            lines.append(f"| {_md(label)} | " + " | ".join(_md(c) for c in cells) + " |")
        extra = remarks(section)
        if extra:
            lines += ["", *(f"- {line}" for line in extra)]
    return "\n".join(lines)
