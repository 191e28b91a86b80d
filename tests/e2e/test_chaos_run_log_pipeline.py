"""A tap that fails or is killed mid-run never leaves a `succeeded` run in `_extras_runs`.

`meltano run tap-clickup-extended target-extras` whose tap fails: the run log says `failed`, the
pipeline fails, and the next good run is `succeeded` with a stored state free of the tap's
end-of-sync marker. A tap SIGKILLed while its output is piped into the target: `failed` too.
"""

from __future__ import annotations

import json
import subprocess
import sys
import typing as t
from pathlib import Path

import psycopg
import pytest

from orchestrate.pipeline import run_pipeline
from orchestrate.sandbox_runner import SANDBOX_TOKEN

if t.TYPE_CHECKING:
    from orchestrate.sandbox_runner import Sandbox

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(600)]
EXTRACT_LOAD = ["tap-clickup-extended", "target-extras"]


def _runs(database_url: str) -> list[tuple[str, str | None]]:
    with psycopg.connect(database_url, autocommit=True) as conn:
        return conn.execute(
            "select status, error from clickup_extras._extras_runs order by started_at"
        ).fetchall()


def test_a_failed_tap_leaves_a_failed_run_not_a_succeeded_one(
    pipeline_env: dict[str, str], sandbox: Sandbox, database_url: str, tmp_path: Path
) -> None:
    # Every tasks page after the first two answers 500: the tap gives up mid-run.
    sandbox.set_faults([{"path_contains": "/task", "kind": "http_500", "count": 10000, "after": 2}])
    failing = {**pipeline_env, "TAP_CLICKUP_EXTENDED_MAX_RETRIES": "1"}
    failed = run_pipeline(failing, steps=EXTRACT_LOAD, stream_output=False)
    assert failed.returncode != 0, failed.output[-3000:]
    ((status, error),) = _runs(database_url)
    assert status == "failed", failed.output[-3000:]
    assert error is not None and "ended before its end-of-sync marker" in error
    assert "target-extras: error: the tap's output ended before its end-of-sync marker" in (
        failed.output
    )

    sandbox.clear_faults()
    good = run_pipeline(pipeline_env, steps=EXTRACT_LOAD, stream_output=False)
    assert good.returncode == 0, good.output[-3000:]
    assert [s for s, _ in _runs(database_url)] == ["failed", "succeeded"]
    stored = [p.read_text() for p in (tmp_path / "state").rglob("*") if p.is_file()]
    assert stored and not any("clickup_extras_sync" in text for text in stored)
    assert all(json.loads(text) for text in stored if text.strip().startswith("{"))


def test_a_tap_killed_mid_run_leaves_a_failed_run(
    sandbox: Sandbox, database_url: str, tmp_path: Path
) -> None:
    bin_dir = Path(sys.executable).parent
    tap_config = tmp_path / "tap.json"
    tap_config.write_text(json.dumps({"api_token": SANDBOX_TOKEN, "base_url": sandbox.api_url,
                                      "rate_limit_per_minute": 2400}))  # fmt: skip
    target_config = tmp_path / "target.json"
    target_config.write_text(json.dumps({"database_url": database_url,
                                         "require_end_of_sync_marker": True}))  # fmt: skip
    tap = subprocess.Popen(
        [str(bin_dir / "tap-clickup-extended"), "--config", str(tap_config)],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    stderr_path = tmp_path / "target.stderr"
    target = subprocess.Popen(
        [str(bin_dir / "target-extras"), "--config", str(target_config)],
        stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=stderr_path.open("wb"),
    )  # fmt: skip
    assert tap.stdout is not None and target.stdin is not None
    forwarded = 0
    try:
        for line in tap.stdout:  # the pipe between them, so the test can cut it
            target.stdin.write(line)
            forwarded += 1
            if forwarded == 300:
                tap.kill()
                break
    finally:
        tap.kill()
        tap.wait(timeout=30)
        target.stdin.close()
    target.wait(timeout=180)
    stderr = stderr_path.read_bytes()
    assert forwarded == 300
    assert target.returncode == 1, stderr.decode()[-3000:]
    ((status, error),) = _runs(database_url)
    assert status == "failed" and "the tap failed or was killed" in (error or "")
    assert b"Traceback" not in stderr
