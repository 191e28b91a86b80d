"""Hostile strings in every stream: a lone surrogate and a NUL in every text field still land.

The sandbox appends ``"lone \\ud800 nul \\u0000"`` to every text value it serves
(``POST /_sandbox/hostile``); one real ``meltano run tap-clickup-extended target-extras`` must
land every row, with U+FFFD for the surrogate and the NUL removed, and both programs report
what they repaired.
"""

from __future__ import annotations

import typing as t

import psycopg
import pytest

from orchestrate.pipeline import pipeline_environment, run_pipeline
from orchestrate.sandbox_runner import SANDBOX_TOKEN, running_sandbox
from tests.e2e.conftest import database_url, postgres_server_url  # noqa: F401 (fixtures)

if t.TYPE_CHECKING:
    from pathlib import Path

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(300)]

SCHEMA = "clickup_extras"
#: Streams whose records carry one of the texts the sandbox made hostile.
CARRY_TEXT = {
    "custom_fields",
    "folders",
    "lists",
    "members",
    "spaces",
    "task_custom_field_values",
    "task_templates",
    "tasks",
    "time_entries",
    "workspaces",
}


def test_first_run_lands_every_row_with_repaired_values(
    database_url: str,  # noqa: F811
    tmp_path: Path,
) -> None:
    """Every landed table has rows, the texts end in U+FFFD without NUL, the counts match."""
    with running_sandbox("--tasks", "60", "--seed", "5", "--rate-limit", "1000") as sandbox:
        changed = sandbox._control("POST", "hostile", json={})
        assert changed["changed"] > 500
        truth = sandbox.export()
        environment = pipeline_environment(
            database_url,
            base_url=sandbox.api_url,
            api_token=SANDBOX_TOKEN,
            extra={
                "TAP_CLICKUP_EXTENDED_RATE_LIMIT_PER_MINUTE": "6000",
                "MELTANO_STATE_BACKEND_URI": (tmp_path / "state").as_uri(),
            },
        )
        (tmp_path / "state").mkdir()
        result = run_pipeline(
            environment, steps=["tap-clickup-extended", "target-extras"], stream_output=False
        )
    assert result.returncode == 0, result.output[-3000:]
    assert "Traceback" not in result.output
    assert "surrogates_replaced=" in result.output  # the tap's run summary
    assert "lone surrogates replaced by U+FFFD" not in result.output  # nothing left to repair
    assert "NUL characters removed" in result.output  # the target's summary

    with psycopg.connect(database_url) as pg:
        tables = [
            name
            for (name,) in pg.execute(
                "select table_name from information_schema.tables where table_schema = %s "
                "and table_type = 'BASE TABLE' and table_name not like '\\_extras%%'",
                (SCHEMA,),
            )
        ]
        assert set(tables) >= CARRY_TEXT
        for table in tables:
            rows, repaired = pg.execute(
                f'select count(*), count(*) filter (where t::text like %s) from "{SCHEMA}"."{table}" t',
                ("%lone \ufffd nul%",),
            ).fetchone()  # type: ignore[misc]
            assert rows > 0, table
            if table in CARRY_TEXT:
                assert repaired > 0, table
        names = pg.execute(f'select id, name from "{SCHEMA}".tasks__current order by id').fetchall()
    assert len(names) == len(truth["tasks"])
    assert all(name.endswith(" lone \ufffd nul ") for _, name in names), names[:3]
