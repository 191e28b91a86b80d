"""Run the tap CLI against a sandbox and read its Singer messages."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

DISCOVER_URL = "http://127.0.0.1:9/api/v2"


def tap_command() -> list[str]:
    """The tap's CLI, run by this interpreter."""
    return [sys.executable, "-m", "tap_clickup_extended"]


def selected_catalog(tmp_path: Path, select: dict[str, bool]) -> dict[str, Any]:
    """The discovered catalog, with the streams of ``select`` selected or not.

    Discovery makes no request, so any syntactically valid settings do.
    """
    config_file = tmp_path / "discover.json"
    config_file.write_text(json.dumps({"api_token": "pk_discover", "base_url": DISCOVER_URL}))
    found = subprocess.run(
        [*tap_command(), "--config", str(config_file), "--discover"],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    catalog: dict[str, Any] = json.loads(found.stdout)
    for entry in catalog["streams"]:
        if entry["tap_stream_id"] in select:
            for item in entry["metadata"]:
                if item["breadcrumb"] == []:
                    item["metadata"]["selected"] = select[entry["tap_stream_id"]]
    return catalog


def run_tap(
    tmp_path: Path, config: dict[str, Any], catalog: dict[str, Any], timeout: float = 120
) -> list[dict[str, Any]]:
    """Run the tap once with ``catalog`` (exit code 0 expected); its messages in order."""
    config_file = tmp_path / "tap.json"
    config_file.write_text(json.dumps(config))
    catalog_file = tmp_path / "catalog.json"
    catalog_file.write_text(json.dumps(catalog))
    proc = subprocess.run(
        [*tap_command(), "--config", str(config_file), "--catalog", str(catalog_file)],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    return [json.loads(line) for line in proc.stdout.splitlines() if line.startswith("{")]
