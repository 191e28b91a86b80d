"""singer-sdk's standard tap tests against a small in-process sandbox.

The suite is a floor (singer-sdk's suite checks shapes, not counts): the ground-truth tests in ``test_sandbox*.py``
check the values. The tap class and its streams are built when this module is imported,
before the sandbox has a port, so the config dict is completed by the sandbox fixture.

The suite syncs every stream (it forces selection) but checks records against the streams
of a tap built from the catalog it is given; ``comments`` is not selected by default, so
the catalog given here selects every stream, and the suite covers ``comments`` as well.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from clickup_sandbox.config import SandboxConfig
from clickup_sandbox.server import SandboxServer
from singer_sdk.testing import get_tap_test_class
from tap_clickup_extended.tap import TapClickUpExtended

CONFIG: dict[str, Any] = {
    "api_token": "pk_sandbox",
    "base_url": "http://127.0.0.1:9/api/v2",  # replaced by the sandbox's URL below
    "rate_limit_per_minute": 100_000,
}


@pytest.fixture(scope="module", autouse=True)
def sandbox() -> Iterator[str]:
    """A small sandbox for the whole module; the suite's config points at it."""
    config = SandboxConfig(tasks=40, members=4, months=1, rate_limit=1_000_000)
    with SandboxServer(config) as server:
        CONFIG["base_url"] = server.url
        yield server.url


def _catalog_selecting_every_stream() -> dict[str, Any]:
    catalog = TapClickUpExtended(config=CONFIG).catalog_dict
    for entry in catalog["streams"]:
        for item in entry["metadata"]:
            if item["breadcrumb"] == []:
                item["metadata"]["selected"] = True
    return catalog


TestTapClickUpExtended = get_tap_test_class(
    TapClickUpExtended, config=CONFIG, catalog=_catalog_selecting_every_stream()
)
