"""No STATE the tap writes covers a task whose derived records have not been written before it.

The tap runs against an in-process sandbox of two workspaces (four ``tasks`` partitions, several
batches of 100 tasks each, so several STATEs per partition), comments selected; every STATE is
checked against the sandbox's ground truth (state_coverage.py).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from clickup_sandbox.config import SandboxConfig
from clickup_sandbox.server import SandboxServer

from tests.chaos.state_coverage import check_messages
from tests.chaos.tap_output import run_tap, selected_catalog

pytestmark = pytest.mark.timeout(180)
TOKEN = "pk_sandbox"
CHILD_BATCH = 100


@pytest.fixture(scope="module")
def catalog(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Every stream the tap selects by default, and comments."""
    return selected_catalog(tmp_path_factory.mktemp("discover"), {"comments": True})


@pytest.fixture()
def sandbox() -> Iterator[SandboxServer]:
    """Two workspaces of 260 tasks each, no rate limit to speak of."""
    config = SandboxConfig(
        seed=23, tasks=260, members=6, workspaces=2, months=2, rate_limit=1_000_000
    )
    server = SandboxServer(config).start()
    yield server
    server.stop()


def _export(server: SandboxServer) -> dict[str, Any]:
    response = requests.get(server.base_url + "/_sandbox/export", timeout=60)
    response.raise_for_status()
    return dict(response.json())


def _run(server: SandboxServer, tmp_path: Path, catalog: dict[str, Any]) -> list[dict[str, Any]]:
    config = {"api_token": TOKEN, "base_url": server.url, "rate_limit_per_minute": 1_000_000}
    return run_tap(tmp_path, config, catalog)


def test_every_state_covers_only_tasks_whose_children_are_out(
    sandbox: SandboxServer, tmp_path: Path, catalog: dict[str, Any]
) -> None:
    messages = _run(sandbox, tmp_path, catalog)
    coverage = check_messages(messages, _export(sandbox))
    assert coverage.states_with_task_bookmarks >= 6, "too few STATEs to prove anything"
    assert coverage.ok, (
        f"{coverage.bad_states} of {coverage.states} STATE messages cover records not yet "
        "emitted:\n" + "\n".join(coverage.problems)
    )


def test_a_batch_boundary_inside_one_millisecond_is_not_covered(
    sandbox: SandboxServer, tmp_path: Path, catalog: dict[str, Any]
) -> None:
    """The 100th and 101st tasks of a partition share ``date_updated``: the bookmark waits.

    A resumed run reads the bookmark's millisecond again without status history or comments,
    so a STATE at the end of the first batch must not carry that millisecond.
    """
    state = sandbox.app.state
    with sandbox.app.lock:
        team_id = next(iter(state.workspaces))
        walk = sorted(
            (t for t in state.tasks.values() if t.team_id == team_id and not t.archived),
            key=lambda t: (t.date_updated_ms, t.id),
        )
        assert len(walk) > CHILD_BATCH + 1
        walk[CHILD_BATCH].date_updated_ms = walk[CHILD_BATCH - 1].date_updated_ms
    messages = _run(sandbox, tmp_path, catalog)
    coverage = check_messages(messages, _export(sandbox))
    assert coverage.states_with_task_bookmarks >= 6
    assert coverage.ok, "\n".join(coverage.problems)
