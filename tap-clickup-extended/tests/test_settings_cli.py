"""Each bad setting ends the CLI with one clear line naming it, before any request."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from .tap_testkit import run_tap

SECRET = "pk_SECRET_do_not_print"
#: Nothing listens here: a setting that slipped through validation would fail differently.
DEAD_URL = "http://127.0.0.1:9/api/v2"

BAD_SETTINGS: list[tuple[dict[str, Any], str]] = [
    ({"api_token": None}, "api_token"),
    ({"api_token": "  "}, "api_token"),
    ({"api_token": SECRET + " x"}, "whitespace"),
    ({"base_url": "api.clickup.com/api/v2"}, "base_url"),
    ({"rate_limit_per_minute": "fast"}, "rate_limit_per_minute"),
    ({"rate_limit_per_minute": 0}, "rate_limit_per_minute"),
    ({"rate_limit_reserve": 0.95}, "rate_limit_reserve"),
    ({"request_timeout_seconds": -1}, "request_timeout_seconds"),
    ({"max_retries": -1}, "max_retries"),
    ({"time_entries_lookback_days": -5}, "time_entries_lookback_days"),
    ({"time_entries_assignee_chunk_size": 0}, "time_entries_assignee_chunk_size"),
    ({"team_ids": ["my-team"]}, "team_ids"),
    ({"start_date": "yesterday"}, "start_date"),
    ({"hash_pii": True}, "pii_salt"),
    ({"hash_pii": "yes"}, "hash_pii"),
]


@pytest.mark.parametrize(("override", "named"), BAD_SETTINGS, ids=[b[1] for b in BAD_SETTINGS])
def test_bad_setting_is_one_clear_line(
    tmp_path: Path, override: dict[str, Any], named: str
) -> None:
    config = {"api_token": SECRET, "base_url": DEAD_URL, "max_retries": 0, **override}
    config = {k: v for k, v in config.items() if v is not None}
    run = run_tap(tmp_path, config, timeout=60)
    assert run.returncode == 1
    errors = [line for line in run.stderr.splitlines() if "error" in line.lower()]
    assert len(errors) == 1, run.stderr[-2000:]
    assert errors[0].startswith("tap-clickup-extended: error: invalid settings:")
    assert named in errors[0]
    assert "Traceback" not in run.stderr
    assert SECRET not in run.stderr
    assert run.messages == []  # nothing emitted, no request made


def test_unknown_setting_is_named_with_a_suggestion(tmp_path: Path) -> None:
    config = {"api_token": SECRET, "base_url": DEAD_URL, "max_retries": 0, "team_id": ["1"]}
    run = run_tap(tmp_path, config, timeout=60)
    assert "Ignoring unknown setting 'team_id' (did you mean 'team_ids'?)" in run.stderr
