"""Several ClickUp workspaces, each synced with its own token, state and rate budget.

``CLICKUP_WORKSPACES`` holds a JSON list, or ``CLICKUP_WORKSPACES_FILE`` names a JSON or YAML
file with one, of entries like::

    {"name": "acme", "team_id": "9012345", "token_env": "CLICKUP_TOKEN_ACME",
     "rate_limit_per_minute": 100}

``token_env`` names the environment variable that holds the token (default
``CLICKUP_API_TOKEN``); the token itself never appears in configuration, logs or errors.
``rate_limit_per_minute`` defaults to ClickUp's 100 a minute shared evenly between the
workspaces that use the same token (ClickUp's limit is per token). ``name`` (default
``ws-<team_id>``) becomes the Meltano state id suffix, so every workspace keeps its own
bookmarks: ``<env>:tap-clickup-extended-to-target-extras:<name>``.

Only the standard library here: the Airflow DAG module imports it from Airflow's virtualenv.
"""

from __future__ import annotations

import json
import os
import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

DEFAULT_TOKEN_ENV = "CLICKUP_API_TOKEN"
CLICKUP_RATE_LIMIT_PER_MINUTE = 100
NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$")
ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


class WorkspaceConfigError(ValueError):
    """The workspace list cannot be used; the message says which entry and how to fix it."""


@dataclass(frozen=True)
class Workspace:
    """One workspace to sync: what to read, with which token (by name), at which rate."""

    name: str
    team_id: str
    token_env: str = DEFAULT_TOKEN_ENV
    rate_limit_per_minute: int = CLICKUP_RATE_LIMIT_PER_MINUTE

    def as_dict(self) -> dict[str, Any]:
        """JSON-serialisable, secret-free (Airflow stores mapped arguments in its database)."""
        return asdict(self)

    @property
    def state_id_suffix(self) -> str:
        return self.name


def _raw_entries(environ: Mapping[str, str]) -> tuple[list[Any], str]:
    inline = environ.get("CLICKUP_WORKSPACES", "").strip()
    path = environ.get("CLICKUP_WORKSPACES_FILE", "").strip()
    if inline:
        where = "CLICKUP_WORKSPACES"
        text = inline
    elif path:
        where = f"CLICKUP_WORKSPACES_FILE ({path})"
        try:
            text = Path(path).read_text()
        except OSError as error:
            raise WorkspaceConfigError(f"{where}: cannot read it ({error.strerror})") from None
    else:
        return [], ""
    try:
        if path and not inline and path.endswith((".yml", ".yaml")):
            import yaml

            data = yaml.safe_load(text)
        else:
            data = json.loads(text)
    except Exception as error:  # json/yaml parse errors of every kind
        first = str(error).splitlines()[0] if str(error) else type(error).__name__
        raise WorkspaceConfigError(
            f"{where} is not a valid list ({first}); give e.g. "
            '[{"team_id": "9012345", "token_env": "CLICKUP_TOKEN_ACME"}]'
        ) from None
    if isinstance(data, dict) and "workspaces" in data:
        data = data["workspaces"]
    if not isinstance(data, list):
        raise WorkspaceConfigError(f"{where} must be a list of workspaces")
    return data, where


def load_workspaces(environ: Mapping[str, str] | None = None) -> list[Workspace]:
    """The configured workspaces (empty: one run with the plain tap settings)."""
    env = os.environ if environ is None else environ
    entries, where = _raw_entries(env)
    parsed: list[dict[str, Any]] = []
    for index, entry in enumerate(entries, start=1):
        if not isinstance(entry, dict) or not str(entry.get("team_id", "")).strip():
            raise WorkspaceConfigError(f"{where}: entry {index} needs a team_id")
        team_id = str(entry["team_id"]).strip()
        name = str(entry.get("name") or f"ws-{team_id}").strip()
        if not NAME.match(name):
            raise WorkspaceConfigError(
                f"{where}: entry {index} name {name!r} may use letters, digits, '_', '.', '-'"
            )
        token_env = str(entry.get("token_env") or DEFAULT_TOKEN_ENV).strip()
        if not ENV_NAME.match(token_env):
            raise WorkspaceConfigError(
                f"{where}: entry {index} token_env must name an environment variable "
                f"(e.g. CLICKUP_TOKEN_ACME), not hold the token"
            )
        rate = entry.get("rate_limit_per_minute")
        if rate is not None:
            try:
                rate = int(rate)
            except (TypeError, ValueError):
                rate = 0
            if rate <= 0:
                raise WorkspaceConfigError(
                    f"{where}: entry {index} rate_limit_per_minute must be a whole number > 0"
                )
        parsed.append({"name": name, "team_id": team_id, "token_env": token_env, "rate": rate})
    for field in ("name", "team_id"):
        repeated = [value for value, n in Counter(p[field] for p in parsed).items() if n > 1]
        if repeated:
            raise WorkspaceConfigError(f"{where}: {field} {repeated[0]!r} appears twice")
    sharing = Counter(p["token_env"] for p in parsed)
    return [
        Workspace(
            name=p["name"],
            team_id=p["team_id"],
            token_env=p["token_env"],
            rate_limit_per_minute=p["rate"]
            if p["rate"] is not None
            else max(1, CLICKUP_RATE_LIMIT_PER_MINUTE // sharing[p["token_env"]]),
        )
        for p in parsed
    ]


def workspace_environment(
    workspace: Workspace, environ: Mapping[str, str] | None = None
) -> dict[str, str]:
    """The extra environment for one workspace's extract-load step.

    Raises :class:`WorkspaceConfigError` (naming the variable, never its value) when the token
    variable is unset.
    """
    env = os.environ if environ is None else environ
    token = env.get(workspace.token_env, "").strip()
    if not token:
        raise WorkspaceConfigError(
            f"workspace {workspace.name}: environment variable {workspace.token_env} is not set "
            "(it must hold that workspace's ClickUp token)"
        )
    return {
        "CLICKUP_API_TOKEN": token,
        "TAP_CLICKUP_EXTENDED_API_TOKEN": token,
        "TAP_CLICKUP_EXTENDED_TEAM_IDS": json.dumps([workspace.team_id]),
        "TAP_CLICKUP_EXTENDED_RATE_LIMIT_PER_MINUTE": str(workspace.rate_limit_per_minute),
        "MELTANO_RUN_STATE_ID_SUFFIX": workspace.state_id_suffix,
        # One landing lock per workspace: parallel workspace jobs load the schema at once.
        "TARGET_EXTRAS_LOCK_SCOPE": f"team {workspace.team_id}",
    }
