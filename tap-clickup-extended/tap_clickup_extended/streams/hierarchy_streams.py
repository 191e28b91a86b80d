"""Spaces, folders and lists (folderless and archived ones included)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import requests
from singer_sdk.helpers.types import Context

from tap_clickup_extended.client import ClickUpStream
from tap_clickup_extended.conversions import id_str, ms_to_iso, to_int
from tap_clickup_extended.fields.folders import FIELDS as FOLDERS_FIELDS
from tap_clickup_extended.fields.lists import FIELDS as LISTS_FIELDS
from tap_clickup_extended.fields.spaces import FIELDS as SPACES_FIELDS
from tap_clickup_extended.streams.workspace_streams import WorkspacesStream


class HierarchyStream(ClickUpStream):
    """A full-table hierarchy endpoint read with ``archived=false`` and ``archived=true``."""

    archived_passes = True
    tolerate_not_found = True
    state_partitioning_keys: list[str] = []

    def parse_response(self, response: requests.Response) -> Iterable[dict]:
        """Rows, with ``archived`` taken from the pass when the payload leaves it out."""
        archived = self.requested_archived(response)
        for row in super().parse_response(response):
            row.setdefault("archived", archived)
            yield row


class SpacesStream(HierarchyStream):
    """``GET /team/{team_id}/space``."""

    name = "spaces"
    parent_stream_type = WorkspacesStream
    path = "/team/{team_id}/space"
    primary_keys = ("id",)
    records_key = "spaces"
    schema = SPACES_FIELDS.schema()

    def transform_record(self, row: dict, context: Context | None) -> dict | None:
        """Contract shape."""
        return SPACES_FIELDS.record(row, team_id=(context or {}).get("team_id"))

    def generate_child_contexts(self, record: dict, context: Context | None) -> Iterable[dict]:
        """Folders and lists are read per space."""
        yield {"team_id": record["team_id"], "space_id": record["id"]}


class FoldersStream(HierarchyStream):
    """``GET /space/{space_id}/folder``; remembers each space's folder ids for ``lists``."""

    name = "folders"
    parent_stream_type = SpacesStream
    path = "/space/{space_id}/folder"
    primary_keys = ("id",)
    records_key = "folders"
    schema = FOLDERS_FIELDS.schema()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._folder_ids_by_space: dict[str, list[str]] = {}

    def get_records(self, context: Context | None) -> Iterable[dict]:
        """The space's folders; their ids are kept until ``lists`` asks for them."""
        ids: list[str] = []
        for row in super().get_records(context):
            ids.append(str(row.get("id")))
            yield row
        self._folder_ids_by_space[(context or {})["space_id"]] = ids

    def folder_ids_for(self, context: Context) -> list[str]:
        """Folder ids of a space: from this run's folders sync, else one read (counted here)."""
        cached = self._folder_ids_by_space.pop(context["space_id"], None)
        if cached is not None:
            return cached
        return [str(row.get("id")) for row in self.request_records(context)]

    def transform_record(self, row: dict, context: Context | None) -> dict | None:
        """Contract shape."""
        space = row.get("space") or {}
        return FOLDERS_FIELDS.record(
            row,
            team_id=(context or {}).get("team_id"),
            space_id=id_str(space.get("id")) or (context or {}).get("space_id"),
        )


class ListsStream(HierarchyStream):
    """Folderless lists (``/space/{id}/list``) and each folder's lists (``/folder/{id}/list``)."""

    name = "lists"
    parent_stream_type = SpacesStream
    path = "/space/{space_id}/list"
    folder_path = "/folder/{folder_id}/list"
    primary_keys = ("id",)
    records_key = "lists"
    schema = LISTS_FIELDS.schema()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        #: ``list id -> team id`` of every list this run emitted (for ``custom_fields``).
        self.synced_list_teams: dict[str, str | None] = {}
        #: ``list id -> folder id`` (``None``: folderless) of every list this run emitted.
        self.folder_of_list: dict[str, str | None] = {}

    def get_url(self, context: Context | None) -> str:
        """The folder endpoint when the request context names a folder."""
        if context and context.get("folder_id"):
            return self.url_base + self.folder_path.format(folder_id=context["folder_id"])
        return super().get_url(context)

    def get_records(self, context: Context | None) -> Iterable[dict]:
        """Folderless lists first, then the lists of every folder of the space."""
        space_context = dict(context or {})
        for row in self.request_records({**space_context, "folder_id": None}):
            row["folderless"] = True
            yield row
        folders: FoldersStream = self._tap.streams["folders"]  # type: ignore[assignment]
        for folder_id in folders.folder_ids_for(space_context):
            for row in self.request_records({**space_context, "folder_id": folder_id}):
                row["folderless"] = False
                row.setdefault("folder", {"id": folder_id})
                yield row

    def transform_record(self, row: dict, context: Context | None) -> dict | None:
        """Contract shape; ``folder_id`` is null for folderless lists."""
        folderless = bool(row.get("folderless"))
        space = row.get("space") or {}
        list_id = id_str(row.get("id"))
        folder_id = None if folderless else id_str((row.get("folder") or {}).get("id"))
        if list_id is not None:
            self.synced_list_teams[list_id] = (context or {}).get("team_id")
            self.folder_of_list[list_id] = folder_id
        return {
            "id": list_id,
            "team_id": (context or {}).get("team_id"),
            "space_id": id_str(space.get("id")) or (context or {}).get("space_id"),
            "folder_id": folder_id,
            "folderless": folderless,
            "name": row.get("name"),
            "orderindex": to_int(row.get("orderindex")),
            "archived": bool(row.get("archived")),
            "task_count": to_int(row.get("task_count")),
            "due_date": ms_to_iso(row.get("due_date")),
            "start_date": ms_to_iso(row.get("start_date")),
        }
