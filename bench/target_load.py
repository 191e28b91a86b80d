"""Benchmark section: target-extras vs meltanolabs-target-postgres 0.8.1 loading custom-field values.

The same deterministic Singer file of ``task_custom_field_values`` records (``singer_input.py``)
is loaded by both targets with default settings into the same database (the embedded
PostgreSQL, or ``DATABASE_URL``); then ours loads it again (a replay must add no row). Per
target: wall time, rows a second, peak memory of its process tree, rows in the table.

Sizes: 10,000 records (small), 100,000 (medium), 1,000,000 (large).

    .venv/bin/python -m bench.target_load --size small        # the section
    .venv/bin/python -m bench.target_load --records 1000000 --replay
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import typing as t
from pathlib import Path

import psycopg

from bench.process_meter import Measured, run_measured
from bench.report_table import section_table
from bench.singer_input import STREAM, write_input
from bench.sizes import SIZES, check_size
from orchestrate.embedded_postgres import throwaway_database

REPO_ROOT = Path(__file__).resolve().parents[1]
BENCH_DIR = REPO_ROOT / ".bench"
BASELINE_SPEC = "meltanolabs-target-postgres==0.8.1"
BASELINE_VENV = BENCH_DIR / "venvs" / "target-postgres-0.8.1"
EXTRAS_EXE = Path(sys.executable).with_name("target-extras")
EXTRAS_SCHEMA = "bench_target_extras"
BASELINE_SCHEMA = "bench_target_postgres"
MB = 1024 * 1024


class TargetFailed(RuntimeError):
    """A target exited non-zero."""


def _log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def baseline_executable() -> Path:
    """meltanolabs-target-postgres in its own virtualenv under .bench/venvs (made once)."""
    exe = BASELINE_VENV / "bin" / "target-postgres"
    if exe.exists():
        return exe
    _log(f"installing {BASELINE_SPEC} into {BASELINE_VENV} ...")
    subprocess.run([sys.executable, "-m", "venv", str(BASELINE_VENV)], check=True)
    uv = Path(sys.executable).with_name("uv")
    installer = [
        str(uv),
        "pip",
        "install",
        "--quiet",
        "--python",
        str(BASELINE_VENV / "bin/python"),
    ]
    subprocess.run([*installer, BASELINE_SPEC], check=True)
    return exe


def _query(url: str, statement: str) -> list[tuple[t.Any, ...]]:
    with psycopg.connect(url, autocommit=True) as conn:
        cur = conn.execute(statement)
        return cur.fetchall() if cur.description else []


def _drop_schema(url: str, schema: str) -> None:
    _query(url, f'drop schema if exists "{schema}" cascade')


def _row_count(url: str, schema: str) -> int:
    rows = _query(url, f'select count(*) from "{schema}"."{STREAM}"')
    return int(rows[0][0])


def _sqlalchemy_url(url: str) -> str:
    """The libpq URI with the psycopg 3 driver, as target-postgres wants it."""
    scheme, rest = url.split("://", 1)
    return f"postgresql+psycopg://{rest}" if scheme in {"postgres", "postgresql"} else url


def _run(name: str, command: list[str], config: dict[str, t.Any], input_path: Path) -> Measured:
    workdir = BENCH_DIR / "runs"
    workdir.mkdir(parents=True, exist_ok=True)
    config_path = workdir / f"{name}.config.json"
    config_path.write_text(json.dumps(config))
    config_path.chmod(0o600)
    # Bytecode caches allowed: both targets start like an installed tool does.
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    measured = run_measured(
        [*command, "--config", str(config_path)],
        stdin=input_path,
        stdout=workdir / f"{name}.stdout",
        stderr=workdir / f"{name}.stderr",
        env=env,
    )
    if measured.returncode != 0:
        log = workdir / f"{name}.stderr"
        lines = [line for line in log.read_text(errors="replace").splitlines() if line.strip()]
        last = lines[-1].strip() if lines else "no output on stderr"
        raise TargetFailed(f"{name} failed (exit {measured.returncode}): {last} (log: {log})")
    return measured


def _summary(measured: Measured, records: int, rows: int) -> dict[str, t.Any]:
    return {
        "seconds": round(measured.seconds, 2),
        "rows_per_second": round(records / measured.seconds),
        "peak_rss_mb": round(measured.peak_rss_bytes / MB, 1),
        "rows_in_table": rows,
    }


def run_extras(url: str, input_path: Path, records: int, name: str) -> dict[str, t.Any]:
    """Load the input with target-extras (default settings)."""
    config = {"database_url": url, "schema": EXTRAS_SCHEMA}
    measured = _run(name, [str(EXTRAS_EXE)], config, input_path)
    return _summary(measured, records, _row_count(url, EXTRAS_SCHEMA))


def run_baseline(url: str, input_path: Path, records: int) -> dict[str, t.Any]:
    """Load the input with meltanolabs-target-postgres (default settings)."""
    _drop_schema(url, BASELINE_SCHEMA)
    config = {"sqlalchemy_url": _sqlalchemy_url(url), "default_target_schema": BASELINE_SCHEMA}
    measured = _run("target-postgres", [str(baseline_executable())], config, input_path)
    result = _summary(measured, records, _row_count(url, BASELINE_SCHEMA))
    _drop_schema(url, BASELINE_SCHEMA)
    return result


def _table(result: dict[str, t.Any]) -> str:
    lines = [f"{'target':<32}{'seconds':>9}{'rows/s':>10}{'peak MB':>9}{'rows':>10}"]
    for name, run in result["targets"].items():
        lines.append(
            f"{name:<32}{run['seconds']:>9}{run['rows_per_second']:>10}"
            f"{run['peak_rss_mb']:>9}{run['rows_in_table']:>10}"
        )
    if "speedup" in result:
        lines.append(f"speedup: {result['speedup']}x")
    if "replay" in result:
        lines.append(f"replay: {result['replay']['rows_added']} rows added by the second load")
    return "\n".join(lines)


def _run_all(url: str, input_path: Path, args: argparse.Namespace, result: dict) -> None:
    if not args.skip_baseline:
        _log(f"loading with {BASELINE_SPEC} (default settings) ...")
        result["targets"]["meltanolabs-target-postgres"] = run_baseline(
            url, input_path, args.records
        )
    _log("loading with target-extras (default settings) ...")
    _drop_schema(url, EXTRAS_SCHEMA)
    ours = run_extras(url, input_path, args.records, "target-extras")
    result["targets"]["target-extras"] = ours
    if not args.skip_baseline:
        theirs = result["targets"]["meltanolabs-target-postgres"]
        result["speedup"] = round(ours["rows_per_second"] / theirs["rows_per_second"], 2)
    if args.replay:
        _log("replaying the same input into target-extras ...")
        again = run_extras(url, input_path, args.records, "target-extras-replay")
        result["replay"] = {**again, "rows_added": again["rows_in_table"] - ours["rows_in_table"]}
    _drop_schema(url, EXTRAS_SCHEMA)


RECORDS = {"small": 10_000, "medium": 100_000, "large": 1_000_000}


def measure(size: str) -> dict[str, t.Any]:
    """The section: both targets on the size's input, and a replay into ours."""
    args = argparse.Namespace(
        records=RECORDS[check_size(size)], seed=7, replay=True, skip_baseline=False
    )
    result = _load_all(args)
    ours, theirs = (
        result["targets"]["target-extras"],
        result["targets"]["meltanolabs-target-postgres"],
    )

    def figures(run: dict[str, t.Any]) -> dict[str, float]:
        return {
            "wall_time_s": run["seconds"],
            "rows_per_s": run["rows_per_second"],
            "peak_rss_mb": run["peak_rss_mb"],
            "rows_in_table_count": run["rows_in_table"],
        }

    replay = result["replay"]
    return {
        "section": "target_load",
        "title": f"Loading {args.records:,} custom-field values into PostgreSQL",
        "parameters": {
            "records": args.records,
            "input_mb": result["input_mb"],
            "database": result["database"],
            "stream": STREAM,
        },
        "results": [
            {"system": "target-extras (ours)", "figures": figures(ours)},
            {
                "system": "target-extras (ours), replay of the same input",
                "figures": {**figures(replay), "rows_added_count": replay["rows_added"]},
            },
            {"system": BASELINE_SPEC.replace("==", " "), "figures": figures(theirs)},
        ],
        "headline": {
            "speedup_ratio": result["speedup"],
            "replay_rows_added_count": replay["rows_added"],
        },
    }


def _load_all(args: argparse.Namespace) -> dict[str, t.Any]:
    """Generate the input (once), run the targets, return the raw report."""
    BENCH_DIR.mkdir(exist_ok=True)
    input_path = BENCH_DIR / f"cfv-{args.records}-s{args.seed}.singer"
    _log(f"input: {input_path} ({args.records} records)")
    write_input(input_path, args.records, args.seed)
    with throwaway_database("bench-pg-") as (url, embedded):
        result: dict[str, t.Any] = {
            "benchmark": "target_load",
            "stream": STREAM,
            "records": args.records,
            "input_mb": round(input_path.stat().st_size / MB, 1),
            "database": "embedded pgserver" if embedded else "DATABASE_URL",
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "targets": {},
        }
        _run_all(url, input_path, args, result)
    return result


def main(argv: list[str] | None = None) -> int:
    """Generate the input, run both targets on it, print one JSON object."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--size", choices=SIZES, help="run the benchmark section at this size")
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--replay", action="store_true", help="load the input twice into ours")
    parser.add_argument("--skip-baseline", action="store_true", help="only run target-extras")
    args = parser.parse_args(argv)
    if args.size:
        section = measure(args.size)
        _log(section_table(section))
        print(json.dumps(section, indent=2))
        return 1 if section["headline"]["replay_rows_added_count"] else 0
    result = _load_all(args)
    _log(_table(result))
    print(json.dumps(result))
    # A replay that adds rows breaks the landing contract: fail, so `make bench` notices.
    return 1 if result.get("replay", {}).get("rows_added") else 0


if __name__ == "__main__":
    raise SystemExit(main())
