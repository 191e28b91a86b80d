"""Workspaces and their members, both from one ``GET /team`` response."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import requests
from singer_sdk.helpers.types import Context

from tap_clickup_extended.client import ClickUpStream
from tap_clickup_extended.conversions import id_str, ms_to_iso, to_int
from tap_clickup_extended.errors import UnknownTeamError
from tap_clickup_extended.fields.members import FIELDS as MEMBERS_FIELDS
from tap_clickup_extended.fields.workspaces import FIELDS as WORKSPACES_FIELDS
from tap_clickup_extended.run_state import lend


class WorkspacesStream(ClickUpStream):
    """``GET /team``: every workspace the token sees, filtered to ``team_ids``."""

    name = "workspaces"
    path = "/team"
    produces = frozenset({"visible_team_ids", "synced_team_ids", "members_by_team"})
    primary_keys = ("id",)
    records_key = "teams"
    schema = WORKSPACES_FIELDS.schema()

    def parse_response(self, response: requests.Response) -> Iterable[dict]:
        """Record the visible workspaces; fail at once on a configured id the token lacks."""
        teams = list(super().parse_response(response))
        visible = {str(team.get("id")) for team in teams}
        self.shared.visible_team_ids = visible
        wanted = [str(team_id).strip() for team_id in self.config.get("team_ids") or []]
        unknown = [team_id for team_id in wanted if team_id not in visible]
        if unknown:
            raise UnknownTeamError(
                f"ClickUp workspace (team) id {', '.join(unknown)} is not visible to this token: "
                f"it can see {', '.join(sorted(visible)) or 'none'}; fix the team_ids setting."
            )
        synced = [team for team in teams if not wanted or str(team.get("id")) in wanted]
        self.shared.synced_team_ids = [str(team.get("id")) for team in synced]
        yield from synced

    def read_team_ids(self) -> list[str]:
        """The synced workspace ids, read now: for a run in which this stream does not sync."""
        return [str(team["id"]) for team in self.request_records(None)]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._members_by_team: dict[str, list[dict[str, Any]]] = {}

    def transform_record(self, row: dict, context: Context | None) -> dict | None:
        """Contract shape; the raw members are kept for the child streams, not emitted."""
        self._members_by_team[str(row.get("id"))] = list(row.get("members") or [])
        return {
            "id": id_str(row.get("id")),
            "team_id": id_str(row.get("id")),
            "name": row.get("name"),
            "color": row.get("color"),
            "avatar": row.get("avatar"),
            "member_count": len(row.get("members") or []),
        }

    def generate_child_contexts(self, record: dict, context: Context | None) -> Iterable[dict]:
        """Members and per-workspace streams get the team id; the members are lent to them."""
        members = self._members_by_team.pop(record["id"], [])
        with lend(self.shared.members_by_team, record["id"], members):
            yield {"team_id": record["id"]}


class MembersStream(ClickUpStream):
    """Workspace members, taken from the parent's ``GET /team`` payload: no request."""

    name = "members"
    parent_stream_type = WorkspacesStream
    consumes = frozenset({"members_by_team"})
    primary_keys = ("team_id", "user_id")
    state_partitioning_keys: list[str] = []
    schema = MEMBERS_FIELDS.schema()

    def get_records(self, context: Context | None) -> Iterable[dict]:
        """The parent's members, lent from its ``GET /team`` payload."""
        yield from self.shared.members_by_team.get(str((context or {}).get("team_id")), [])

    def transform_record(self, row: dict, context: Context | None) -> dict | None:
        """Contract shape; fields may sit on the member or on its ``user``."""
        user = row.get("user") or {}

        def pick(key: str) -> Any:
            return user.get(key, row.get(key))

        user_id = to_int(user.get("id"))
        if user_id is None:
            return None
        return {
            "team_id": (context or {}).get("team_id"),
            "user_id": user_id,
            "username": user.get("username"),
            "email": self.email(user.get("email")),
            "initials": user.get("initials"),
            "color": user.get("color"),
            "role": to_int(pick("role")),
            "date_joined": ms_to_iso(pick("date_joined")),
            "date_invited": ms_to_iso(pick("date_invited")),
            "last_active": ms_to_iso(pick("last_active")),
        }
