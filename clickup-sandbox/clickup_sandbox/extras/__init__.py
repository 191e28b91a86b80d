"""Extra endpoints: one module per endpoint in this package, found without registration.

``make new-stream`` writes a module here for each new stream. A module defines ``ENDPOINT``,
an :class:`ExtraEndpoint`: its route, the key of its record array, which objects own its
records (every workspace, or every space), and ``make_record``, which builds the wire object
of record ``index`` of an owner. The records are generated once per sandbox, deterministically
from the seed (their own random stream, so adding an endpoint changes no other data), kept in
``State.extras[name]`` and exported under ``name`` by ``GET /_sandbox/export``.

Imported by: the sandbox's `state` and `handlers` (discovery) and the scaffold's tests.
"""

from __future__ import annotations

import importlib
import pkgutil
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from typing import Any, Literal

from clickup_sandbox.handlers import common
from clickup_sandbox.handlers.common import ApiRequest
from clickup_sandbox.model import State

#: ``make_record(rng, owner_id, team_id, index, anchor_ms)`` -> the record's wire object.
RecordMaker = Callable[[random.Random, str, str, int, int], dict[str, Any]]


@dataclass(frozen=True, slots=True)
class ExtraEndpoint:
    """A read endpoint that lists objects of one workspace (or of one space)."""

    name: str
    path: str
    records_key: str
    make_record: RecordMaker
    owner: Literal["team", "space"] = "team"
    records_per_owner: int = 5
    #: The response's other required keys, with the value they always have (``{"folders": []}``).
    envelope: dict[str, Any] = field(default_factory=dict)

    def generate(self, state: State, seed: int) -> list[dict[str, Any]]:
        """Every record of this endpoint, each as ``{"owner_id", "team_id", "wire"}``."""
        owners = (
            [(team_id, team_id) for team_id in state.workspaces]
            if self.owner == "team"
            else [(space.id, space.team_id) for space in state.spaces.values()]
        )
        rows: list[dict[str, Any]] = []
        for owner_id, team_id in owners:
            rng = random.Random(f"clickup-sandbox:{seed}:{self.name}:{owner_id}")
            for index in range(self.records_per_owner):
                wire = self.make_record(rng, owner_id, team_id, index, state.anchor_ms)
                rows.append({"owner_id": owner_id, "team_id": team_id, "wire": wire})
        return rows

    def handle(self, state: State, req: ApiRequest) -> Any:
        """``GET <path>``: the owner's records (401/404 for an unknown workspace/space)."""
        if self.owner == "team":
            owner_id = common.team(state, req.params.get("team_id") or req.params["team_Id"]).id
        else:
            owner_id = common.space(state, req.params["space_id"]).id
        records = [
            row["wire"] for row in state.extras.get(self.name, []) if row["owner_id"] == owner_id
        ]
        return {self.records_key: records, **self.envelope}

    def export(self, state: State) -> list[dict[str, Any]]:
        """The ground truth: ``id``, ``team_id`` and ``name`` of every record."""
        return [
            {
                "id": str(row["wire"]["id"]),
                "team_id": row["team_id"],
                "name": row["wire"].get("name"),
            }
            for row in state.extras.get(self.name, [])
        ]


@cache
def endpoints() -> tuple[ExtraEndpoint, ...]:
    """The ``ENDPOINT`` of every module of this package, by name."""
    found: list[ExtraEndpoint] = []
    for module_info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{__name__}.{module_info.name}")
        endpoint = getattr(module, "ENDPOINT", None)
        if isinstance(endpoint, ExtraEndpoint):
            found.append(endpoint)
    return tuple(found)


def populate(state: State, seed: int) -> None:
    """Generate the records of every extra endpoint into ``state.extras``."""
    for endpoint in endpoints():
        state.extras[endpoint.name] = endpoint.generate(state, seed)


def export(state: State) -> dict[str, list[dict[str, Any]]]:
    """The export sections of every extra endpoint, keyed by its name."""
    return {endpoint.name: endpoint.export(state) for endpoint in endpoints()}
