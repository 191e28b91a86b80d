"""The API v2 route table: method + path template -> handler, matched by regular expression.

Templates use ClickUp's own parameter spellings (``team_Id`` on the task and time-entry routes),
and they are the keys of the per-endpoint request counters.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from clickup_sandbox import extras
from clickup_sandbox.handlers import comments, hierarchy, tasks, time_entries, webhooks
from clickup_sandbox.handlers.common import ApiRequest
from clickup_sandbox.model import State

Handler = Callable[[State, ApiRequest], Any]


@dataclass(frozen=True, slots=True)
class Route:
    """One API route."""

    method: str
    template: str
    handler: Handler
    pattern: re.Pattern[str]
    mutates: bool = False

    @property
    def key(self) -> str:
        """``"GET /team/{team_Id}/task"``: the counter key of this route."""
        return f"{self.method} {self.template}"


def _route(method: str, template: str, handler: Handler, *, mutates: bool = False) -> Route:
    regex = re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", template)
    return Route(method, template, handler, re.compile(f"^{regex}$"), mutates)


#: The extra endpoints (``clickup_sandbox/extras/``) come first: their literal paths are more
#: specific than the core routes' trailing parameters.
ROUTES: list[Route] = [
    *(_route("GET", endpoint.path, endpoint.handle) for endpoint in extras.endpoints()),
    _route("GET", "/team", hierarchy.get_teams),
    _route("GET", "/user", hierarchy.get_user),
    _route("GET", "/team/{team_id}/space", hierarchy.get_spaces),
    _route("GET", "/space/{space_id}", hierarchy.get_space),
    _route("GET", "/space/{space_id}/folder", hierarchy.get_folders),
    _route("GET", "/folder/{folder_id}", hierarchy.get_folder),
    _route("GET", "/folder/{folder_id}/list", hierarchy.get_folder_lists),
    _route("GET", "/space/{space_id}/list", hierarchy.get_folderless_lists),
    _route("GET", "/list/{list_id}", hierarchy.get_list),
    _route("GET", "/list/{list_id}/field", hierarchy.get_list_fields),
    _route("GET", "/folder/{folder_id}/field", hierarchy.get_folder_fields),
    _route("GET", "/space/{space_id}/field", hierarchy.get_space_fields),
    _route("GET", "/team/{team_id}/field", hierarchy.get_team_fields),
    _route("GET", "/team/{team_Id}/task", tasks.team_tasks),
    _route("GET", "/list/{list_id}/task", tasks.list_tasks),
    _route("GET", "/task/bulk_time_in_status/task_ids", tasks.bulk_time_in_status),
    _route("GET", "/task/{task_id}", tasks.get_task),
    _route("GET", "/task/{task_id}/time_in_status", tasks.time_in_status),
    _route("GET", "/task/{task_id}/comment", comments.task_comments),
    _route("GET", "/team/{team_id}/taskTemplate", tasks.task_templates),
    _route("GET", "/team/{team_Id}/time_entries", time_entries.list_entries),
    _route("GET", "/team/{team_Id}/time_entries/current", time_entries.current_entry),
    _route("GET", "/team/{team_Id}/time_entries/{timer_id}", time_entries.single_entry),
    _route("GET", "/team/{team_id}/webhook", webhooks.list_hooks),
    _route("POST", "/team/{team_id}/webhook", webhooks.create, mutates=True),
    _route("PUT", "/webhook/{webhook_id}", webhooks.update, mutates=True),
    _route("DELETE", "/webhook/{webhook_id}", webhooks.delete, mutates=True),
]


def match(method: str, path: str) -> tuple[Route, dict[str, str]] | None:
    """The route and path parameters for a request path (relative to /api/v2), or None."""
    for route in ROUTES:
        if route.method != method:
            continue
        m = route.pattern.match(path)
        if m:
            return route, m.groupdict()
    return None
