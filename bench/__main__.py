"""`make bench`: run the benchmark sections, write bench/results/latest.json and latest.png.

    .venv/bin/python -m bench                       # BENCH_SIZE (medium), BENCH_SECTIONS (all)
    .venv/bin/python -m bench --size small --sections tap_extraction,target_load
    .venv/bin/python -m bench --publish             # medium run -> README + bench/results/medium.*
    .venv/bin/python -m bench --render-readme       # README table from bench/results/medium.json

Each section's ``measure(size)`` runs in turn (progress on stderr). A section that is missing
or fails is recorded with its status and a one-line error, the others still run, and the exit
code is 1. The report is validated against bench/results.schema.json, printed as tables on
stdout, and written as JSON (plus a timestamped copy under bench/results/history/) and as a PNG
chart.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import json
import os
import platform
import shutil
import subprocess
import sys
import time
import traceback
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench import readme, report_schema
from bench.report_chart import write_chart
from bench.report_table import report_text, section_table
from bench.sections import SectionError, select
from bench.sizes import SIZES, SizeError, check_size, size_from_env

REPO_ROOT = Path(__file__).resolve().parents[1]
RESULTS = REPO_ROOT / "bench" / "results"
PUBLISHED_SIZE = "medium"
ERROR_CHARS = 400


def _log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _one_line(exc: BaseException) -> str:
    """The exception as one line: its type and its message's first and last lines."""
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    text = lines[0] if lines else "(no message)"
    if len(lines) > 1:
        text += f" … {lines[-1]}"
    if not isinstance(exc, SystemExit):
        text = f"{type(exc).__name__}: {text}"
    return text[:ERROR_CHARS]


def run_section(module: str, size: str) -> dict[str, Any]:
    """Import ``bench.<module>`` and run its ``measure(size)``; never raises."""
    started = time.perf_counter()

    def done(status: str, error: str | None, result: dict | None = None) -> dict[str, Any]:
        entry = {"module": module, "status": status, "error": error}
        entry["wall_time_s"] = round(time.perf_counter() - started, 2)
        return {**entry, **(result or {})}

    name = f"bench.{module}"
    if importlib.util.find_spec(name) is None:
        return done("missing", f"section module bench/{module}.py not found")
    try:
        measure = getattr(importlib.import_module(name), "measure", None)
        if not callable(measure):
            return done("failed", f"bench/{module}.py has no measure(size) function")
        result = measure(size)
    except KeyboardInterrupt:
        raise
    except BaseException as exc:
        traceback.print_exc(file=sys.stderr)
        return done("failed", _one_line(exc))
    problem = report_schema.section_error(result)
    if problem:
        return done(
            "failed", f"result does not match bench/results.schema.json {problem}"[:ERROR_CHARS]
        )
    return done("ok", None, result)


def _git_commit() -> str | None:
    try:
        done = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=REPO_ROOT, capture_output=True,
            text=True, check=False,
        )  # fmt: skip
    except OSError:
        return None
    return done.stdout.strip() or None


def machine() -> dict[str, Any]:
    """Where the numbers were taken."""
    return {
        "cpus": os.cpu_count() or 1,
        "python": platform.python_version(),
        "platform": platform.platform(terse=True),
        "database": "DATABASE_URL" if os.environ.get("DATABASE_URL") else "embedded pgserver",
        "git_commit": _git_commit(),
        "load_average_1m": round(os.getloadavg()[0], 2),
    }


def run_all(size: str, modules: list[str]) -> dict[str, Any]:
    """Every selected section in order; the report (not yet validated)."""
    started_at, started = datetime.now(UTC), time.perf_counter()
    report: dict[str, Any] = {
        "schema_version": 1,
        "size": size,
        "started_at": started_at.isoformat(timespec="seconds"),
        "machine": machine(),
        "sections": [],
    }
    for number, module in enumerate(modules, start=1):
        _log(f"== bench [{number}/{len(modules)}] {module} ({size}) ...")
        section = run_section(module, size)
        report["sections"].append(section)
        _log(f"== bench {module}: {section['status']} in {section['wall_time_s']} s"
             + (f": {section['error']}" if section["error"] else ""))  # fmt: skip
    report["finished_at"] = datetime.now(UTC).isoformat(timespec="seconds")
    report["wall_time_s"] = round(time.perf_counter() - started, 2)
    statuses = [s["status"] for s in report["sections"]]
    report["summary"] = {f"{k}_count": statuses.count(k) for k in ("ok", "failed", "missing")}
    return report


def write_outputs(report: dict[str, Any], out_dir: Path) -> tuple[Path, Path | None]:
    """latest.json (and a timestamped copy in history/), latest.png."""
    out_dir.mkdir(parents=True, exist_ok=True)
    text = json.dumps(report, indent=2, ensure_ascii=False) + "\n"
    latest = out_dir / "latest.json"
    latest.write_text(text, encoding="utf-8")
    stamp = report["started_at"].replace(":", "").replace("-", "").replace("+0000", "Z")
    history = out_dir / "history"
    history.mkdir(exist_ok=True)
    (history / f"{report['size']}-{stamp}.json").write_text(text, encoding="utf-8")
    chart = write_chart(report, out_dir / "latest.png")
    return latest, chart


def publish(report: dict[str, Any], out_dir: Path, chart: Path | None) -> None:
    """Copy the run to bench/results/medium.{json,png} and render the README's table."""
    (out_dir / f"{PUBLISHED_SIZE}.json").write_text(
        json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    if chart:
        shutil.copyfile(chart, out_dir / f"{PUBLISHED_SIZE}.png")
    readme.render(report)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench", description=(__doc__ or "").splitlines()[0]
    )
    parser.add_argument("--size", help=f"one of {', '.join(SIZES)} (default: BENCH_SIZE or medium)")
    parser.add_argument("--sections", help="comma list (default: BENCH_SECTIONS or all)")
    parser.add_argument("--output-dir", type=Path, default=RESULTS)
    parser.add_argument(
        "--publish", action="store_true",
        help="after a medium run with no failure: bench/results/medium.{json,png} and the README table",
    )  # fmt: skip
    parser.add_argument(
        "--render-readme", action="store_true",
        help="only render the README's table from bench/results/medium.json",
    )  # fmt: skip
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    # dbt hashes e-mails only with a salt (no default): the benchmarks use the tests' one
    from tests.conftest import TEST_EMAIL_HASH_SALT

    os.environ.setdefault("CLICKUP_EMAIL_HASH_SALT", TEST_EMAIL_HASH_SALT)
    if args.render_readme:
        return readme.render_from_file(args.output_dir / f"{PUBLISHED_SIZE}.json")
    try:
        size = check_size(args.size) if args.size else size_from_env()
        modules = select(
            args.sections if args.sections is not None else os.environ.get("BENCH_SECTIONS")
        )
    except (SizeError, SectionError) as exc:
        _log(f"bench: error: {exc}")
        return 2
    if args.publish and size != PUBLISHED_SIZE:
        _log(f"bench: error: --publish needs the {PUBLISHED_SIZE} size (got {size})")
        return 2
    report = run_all(size, modules)
    problem = report_schema.report_error(report)
    if problem:
        _log(f"bench: error: the report does not match bench/results.schema.json {problem}")
        return 1
    latest, chart = write_outputs(report, args.output_dir)
    print(report_text(report))
    _log(f"bench: wrote {latest}" + (f" and {chart}" if chart else " (no chart: no section ran)"))
    failed = [s for s in report["sections"] if s["status"] != "ok"]
    for section in failed:
        _log(f"bench: {section_table(section)}")
    if args.publish:
        if failed:
            _log("bench: not published: a section did not run")
        else:
            publish(report, args.output_dir, chart)
            _log(f"bench: published to {args.output_dir}/{PUBLISHED_SIZE}.json and README.md")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
