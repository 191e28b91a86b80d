"""Workspaces, the authorized user, spaces, folders, lists and custom-field definitions."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from clickup_sandbox import serialize
from clickup_sandbox.handlers import common
from clickup_sandbox.handlers.common import ApiRequest
from clickup_sandbox.model import State, TaskList


def get_teams(state: State, req: ApiRequest) -> Any:
    """GET /team: every workspace (all tokens see all of them)."""
    return {"teams": [serialize.workspace(state, tid) for tid in state.workspaces]}


def get_user(state: State, req: ApiRequest) -> Any:
    """GET /user: the token's user."""
    return {"user": serialize.authorized_user(state.user(req.user_id))}


def get_spaces(state: State, req: ApiRequest) -> Any:
    """GET /team/{team_id}/space?archived=."""
    ws = common.team(state, req.params["team_id"])
    archived = common.archived_filter(req)
    return {
        "spaces": [
            serialize.space(s)
            for s in state.spaces.values()
            if s.team_id == ws.id and s.archived == archived
        ]
    }


def get_space(state: State, req: ApiRequest) -> Any:
    """GET /space/{space_id}."""
    return serialize.space(common.space(state, req.params["space_id"]))


def get_folders(state: State, req: ApiRequest) -> Any:
    """GET /space/{space_id}/folder?archived=."""
    sp = common.space(state, req.params["space_id"])
    archived = common.archived_filter(req)
    counts = serialize.list_counts(state)
    return {
        "folders": [
            serialize.folder(state, f, counts)
            for f in state.folders.values()
            if f.space_id == sp.id and f.archived == archived
        ]
    }


def get_folder(state: State, req: ApiRequest) -> Any:
    """GET /folder/{folder_id}."""
    return serialize.folder(state, common.folder(state, req.params["folder_id"]))


def _lists(state: State, req: ApiRequest, belongs: Callable[[TaskList], bool]) -> Any:
    """The lists that belong to a folder or space, filtered by ``archived``."""
    archived = common.archived_filter(req)
    counts = serialize.list_counts(state)
    return {
        "lists": [
            serialize.task_list(state, lst, counts)
            for lst in state.lists.values()
            if belongs(lst) and lst.archived == archived
        ]
    }


def get_folder_lists(state: State, req: ApiRequest) -> Any:
    """GET /folder/{folder_id}/list?archived=."""
    f = common.folder(state, req.params["folder_id"])
    return _lists(state, req, lambda lst: lst.folder_id == f.id)


def get_folderless_lists(state: State, req: ApiRequest) -> Any:
    """GET /space/{space_id}/list?archived=: lists that are not in a folder."""
    sp = common.space(state, req.params["space_id"])
    return _lists(state, req, lambda lst: lst.space_id == sp.id and lst.folder_id is None)


def get_list(state: State, req: ApiRequest) -> Any:
    """GET /list/{list_id}."""
    return serialize.task_list(state, common.task_list(state, req.params["list_id"]))


def _fields_at(state: State, level: str, owner: str) -> Any:
    return {
        "fields": [
            serialize.field_definition(f)
            for f in state.fields.values()
            if f.level == level and f.owner_id == owner
        ]
    }


def get_list_fields(state: State, req: ApiRequest) -> Any:
    """GET /list/{list_id}/field: every field accessible on the list."""
    lst = common.task_list(state, req.params["list_id"])
    return {"fields": [serialize.field_definition(f) for f in state.exposed_fields(lst.id)]}


def get_folder_fields(state: State, req: ApiRequest) -> Any:
    """GET /folder/{folder_id}/field: only fields created on the folder."""
    return _fields_at(state, "folder", common.folder(state, req.params["folder_id"]).id)


def get_space_fields(state: State, req: ApiRequest) -> Any:
    """GET /space/{space_id}/field: only fields created on the space."""
    return _fields_at(state, "space", common.space(state, req.params["space_id"]).id)


def get_team_fields(state: State, req: ApiRequest) -> Any:
    """GET /team/{team_id}/field: only fields created on the workspace."""
    return _fields_at(state, "team", common.team(state, req.params["team_id"]).id)
