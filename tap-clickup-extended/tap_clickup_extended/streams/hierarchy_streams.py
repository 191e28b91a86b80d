"""Spaces, folders and lists (folderless and archived ones included)."""

from __future__ import annotations

from collections.abc import Iterable

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
    produces = frozenset({"folder_ids_by_space"})
    path = "/space/{space_id}/folder"
    primary_keys = ("id",)
    records_key = "folders"
    schema = FOLDERS_FIELDS.schema()

    def get_records(self, context: Context | None) -> Iterable[dict]:
        """The space's folders; their ids are kept until ``lists`` takes them."""
        ids: list[str] = []
        for row in super().get_records(context):
            ids.append(str(row.get("id")))
            yield row
        self.shared.folder_ids_by_space[(context or {})["space_id"]] = ids

    def read_folder_ids(self, context: Context) -> list[str]:
        """A space's folder ids, read now (counted here): for a run in which this stream does
        not sync."""
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
    produces = frozenset({"list_teams", "folder_of_list"})
    consumes = frozenset({"folder_ids_by_space", "read_folder_ids"})
    path = "/space/{space_id}/list"
    folder_path = "/folder/{folder_id}/list"
    primary_keys = ("id",)
    records_key = "lists"
    schema = LISTS_FIELDS.schema()

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
        for folder_id in self._folder_ids(space_context):
            for row in self.request_records({**space_context, "folder_id": folder_id}):
                row["folderless"] = False
                row.setdefault("folder", {"id": folder_id})
                yield row

    def _folder_ids(self, space_context: Context) -> list[str]:
        """The space's folder ids: from this run's ``folders``, else read now."""
        ids = self.shared.folder_ids_by_space.pop(space_context["space_id"], None)
        if ids is not None:
            return ids
        read = self.shared.read_folder_ids
        if read is None:
            raise RuntimeError("the tap wires RunState.read_folder_ids before a sync")
        return read(space_context)

    def transform_record(self, row: dict, context: Context | None) -> dict | None:
        """Contract shape; ``folder_id`` is null for folderless lists."""
        folderless = bool(row.get("folderless"))
        space = row.get("space") or {}
        list_id = id_str(row.get("id"))
        folder_id = None if folderless else id_str((row.get("folder") or {}).get("id"))
        if list_id is not None:
            self.shared.list_teams[list_id] = (context or {}).get("team_id")
            self.shared.folder_of_list[list_id] = folder_id
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
