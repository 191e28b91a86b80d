"""What every API handler shares: the request object, ClickUp-style errors and lookups."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, TypeVar

from clickup_sandbox.model import Folder, Space, State, Task, TaskList, Workspace

T = TypeVar("T")


class ApiError(Exception):
    """An error answered as ClickUp does: a status and ``{"err": ..., "ECODE": ...}``."""

    def __init__(self, status: int, err: str, ecode: str) -> None:
        super().__init__(err)
        self.status = status
        self.err = err
        self.ecode = ecode

    def body(self) -> dict[str, str]:
        """The JSON body of the error response."""
        return {"err": self.err, "ECODE": self.ecode}


def bad_request(err: str, ecode: str = "INPUT_005") -> ApiError:
    """A 400 with ClickUp's error shape."""
    return ApiError(400, err, ecode)


@dataclass(slots=True)
class ApiRequest:
    """One authenticated API call as the handlers see it."""

    method: str
    params: dict[str, str]
    query: dict[str, list[str]]
    body: Any
    user_id: int
    now_ms: int

    def arg(self, name: str) -> str | None:
        """The first value of a query parameter, or None."""
        values = self.query.get(name)
        return values[0] if values else None

    def args(self, *names: str) -> list[str]:
        """Every value of the named query parameters, in order (pass ``x[]`` and/or ``x``)."""
        out: list[str] = []
        for name in names:
            out.extend(self.query.get(name, []))
        return out

    def flag(self, name: str, default: bool = False) -> bool:
        """A boolean query parameter; anything but true/false is a 400."""
        raw = self.arg(name)
        if raw is None or raw == "":
            return default
        low = raw.lower()
        if low in ("true", "1"):
            return True
        if low in ("false", "0"):
            return False
        raise bad_request(f"{name} must be true or false")

    def integer(self, name: str, default: int | None = None) -> int | None:
        """An integer query parameter; anything else is a 400."""
        raw = self.arg(name)
        if raw is None or raw == "":
            return default
        try:
            return int(raw)
        except ValueError:
            raise bad_request(f"{name} must be an integer") from None


def team(state: State, team_id: str) -> Workspace:
    """The workspace, or ClickUp's 401 for a team the token cannot see."""
    ws = state.workspaces.get(team_id)
    if ws is None:
        raise ApiError(401, "Team not authorized", "OAUTH_027")
    return ws


def _found(found: T | None, what: str) -> T:
    if found is None:
        raise ApiError(404, f"{what} not found", "ITEM_013")
    return found


def space(state: State, space_id: str) -> Space:
    """The space, or 404."""
    return _found(state.spaces.get(space_id), "Space")


def folder(state: State, folder_id: str) -> Folder:
    """The folder, or 404."""
    return _found(state.folders.get(folder_id), "Folder")


def task_list(state: State, list_id: str) -> TaskList:
    """The list, or 404."""
    return _found(state.lists.get(list_id), "List")


def task(state: State, task_id: str) -> Task:
    """The task, or 404 (deleted tasks are gone)."""
    found = state.tasks.get(task_id)
    if found is None:
        raise ApiError(404, "Task not found, deleted", "ITEM_013")
    return found


def archived_filter(req: ApiRequest) -> bool:
    """``archived=true`` returns only archived objects; the default only live ones."""
    return req.flag("archived", False)
