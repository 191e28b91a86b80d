"""Benchmark section: AutoIDM's ``tap-clickup`` 0.0.23, full sync on the same workspace as ours.

The tap runs from its own virtualenv (``.bench/venvs/tap-clickup-0.0.23``, made once with uv)
through ``tap_clickup_launcher.py``, which changes only its API base URL (a class attribute of
its stream base class) to the sandbox's. Its config is the token alone: it has no start date
and no rate-limit setting (on a 429 it sleeps until ``X-RateLimit-Reset``).

Its default selection minus four streams the sandbox does not serve: ``tag``
(``/space/{id}/tag``), ``goal`` (``/team/{id}/goal``), ``shared_hierarchy``
(``/team/{id}/shared``) and ``task_template`` (it asks ``/team/{id}/task_template``; ClickUp's
path is ``taskTemplate``). None of them is counted in the completeness figures.

Measured as for ours (``tap_extraction``): requests (the sandbox's counts), the workspace
minimum, wall time vs requests ÷ rate, 429s, completeness against ``/_sandbox/export``. Custom-
field values count as typed only when the raw value it passes through already equals the
canonical value in value and JSON type (text and labels do; drop-down indexes, numbers and
dates as strings, user objects do not). Sizes: the workspaces of ``bench/sizes.py``.

    .venv/bin/python -m bench.tap_clickup --size small
"""

from __future__ import annotations

import json
import os
import subprocess
import tempfile
from pathlib import Path
from typing import Any

from bench import completeness as ground_truth
from bench.completeness import Found
from bench.extraction import (
    TOKEN,
    Counted,
    counted,
    full_sync_minimum,
    log,
    rate_figures,
    start_ms,
)
from bench.peer_venv import ensure_venv
from bench.section_cli import run_section_cli
from bench.singer_run import TapRun, run_tap
from bench.sizes import Workspace, workspace
from orchestrate.sandbox_runner import Sandbox, running_sandbox

SPEC = "tap-clickup==0.0.23"
#: Its dependency ``fs`` imports ``pkg_resources``, which setuptools 81 dropped and uv's
#: virtualenvs do not carry.
EXTRA_REQUIREMENTS = ("setuptools<81",)
VENV_NAME = "tap-clickup-0.0.23"
SYSTEM = "tap-clickup 0.0.23 (AutoIDM)"
LAUNCHER = Path(__file__).with_name("tap_clickup_launcher.py")
#: Streams the sandbox does not serve (see the module docstring).
UNSERVED_STREAMS = frozenset({"tag", "goal", "shared_hierarchy", "task_template"})


def command(api_url: str) -> list[str]:
    """The tap's venv python running the launcher with the sandbox's base URL.

    ``-P``: the launcher's folder (this one, with a ``tap_clickup.py``) stays off ``sys.path``.
    """
    venv = ensure_venv(VENV_NAME, SPEC, "bin/tap-clickup", *EXTRA_REQUIREMENTS)
    return [str(venv / "bin/python"), "-P", str(LAUNCHER), api_url]


def tap_env() -> dict[str, str]:
    """The environment without our settings (the tap reads ``TAP_CLICKUP_*`` ones)."""
    return {k: v for k, v in os.environ.items() if not k.startswith(("TAP_CLICKUP", "CLICKUP_"))}


def catalog(box: Sandbox, workdir: Path) -> dict[str, Any]:
    """Its discovered catalog, every stream selected but the unserved ones."""
    discovered = workdir / "tap-clickup.catalog.discovered.json"
    config = workdir / "tap-clickup.discover.config.json"
    config.write_text(json.dumps({"api_token": TOKEN}))
    with discovered.open("w") as out:
        subprocess.run(
            [*command(box.api_url), "--config", str(config), "--discover"],
            stdout=out, stderr=subprocess.DEVNULL, env=tap_env(), check=True,
        )  # fmt: skip
    result = json.loads(discovered.read_text())
    for stream in result["streams"]:
        for entry in stream["metadata"]:
            if entry["breadcrumb"] == []:
                entry["metadata"]["selected"] = stream["tap_stream_id"] not in UNSERVED_STREAMS
    return result


def run_theirs(
    box: Sandbox,
    workdir: Path,
    name: str,
    chosen: dict[str, Any],
    state: dict | None = None,
    token: str = TOKEN,
) -> Counted[TapRun]:
    """One run of tap-clickup with the sandbox's counts."""
    return counted(
        box,
        lambda: run_tap(
            command(box.api_url),
            workdir,
            name,
            {"api_token": token},
            state=state,
            catalog=chosen,
            env=tap_env(),
        ),
    )


def found_in(run: TapRun, export: dict[str, Any]) -> Found:
    """Task ids, time-entry ids and custom-field values (raw; typed when already canonical)."""
    found = Found()
    expected = ground_truth.expected_field_values(export)
    for stream, record in run.records("task", "time_entries"):
        if stream == "time_entries":
            found.time_entry_ids.add(str(record["id"]))
            continue
        found.task_ids.add(str(record["id"]))
        ground_truth.add_raw_values(
            found, record["id"], record.get("custom_fields") or [], expected
        )
    return found


def full_sync_figures(box: Sandbox, counts: Counted[TapRun], ws: Workspace) -> dict[str, float]:
    """Requests vs the workspace minimum, rate figures, completeness."""
    export = box.export()
    start = start_ms(ws)
    figures = rate_figures(counts, full_sync_minimum(export, ws, start), ws)
    figures.update(ground_truth.figures(export, found_in(counts.run, export), start))
    return figures


def measure(size: str) -> dict[str, Any]:
    """The section: one full sync of tap-clickup on the size's workspace."""
    ws = workspace(size)
    command(api_url="")  # install first, outside the measured run
    log(f"tap_clickup: sandbox with {ws.tasks} tasks, {ws.members} members, {ws.months} months")
    with (
        tempfile.TemporaryDirectory(prefix="bench-tc-") as tmp,
        running_sandbox(*ws.sandbox_args()) as box,
    ):
        workdir = Path(tmp)
        chosen = catalog(box, workdir)
        log(f"tap_clickup: full sync at {ws.rate_limit} requests per {ws.window_seconds:g} s")
        counts = run_theirs(box, workdir, "tap-clickup-full", chosen)
        figures = full_sync_figures(box, counts, ws)
    log(
        f"tap_clickup: {figures['requests_count']:.0f} requests "
        f"(minimum {figures['minimum_requests_count']:.0f}), {figures['wall_time_s']} s, "
        f"{figures['throttled_count']:.0f} answered 429"
    )
    return {
        "section": "tap_clickup",
        "title": f"Extraction: {SYSTEM}, full sync (requests, wall time, completeness)",
        "parameters": {**ws.parameters(), "streams_not_served_count": len(UNSERVED_STREAMS)},
        "results": [{"system": SYSTEM, "figures": figures}],
        "headline": {
            "requests_vs_minimum_ratio": figures["requests_vs_minimum_ratio"],
            "completeness_pct": figures["completeness_pct"],
        },
    }


def main(argv: list[str] | None = None) -> int:
    """Run the section at ``--size``; a table on stderr, the JSON on stdout."""
    return run_section_cli(measure, __doc__, argv)


if __name__ == "__main__":
    raise SystemExit(main())
