"""The sandbox's canonical state: plain records with canonical values and the indexes over them.

Everything here is in canonical form (ids as strings except user ids, dates as integer ms,
custom-field values as in docs/data-contracts.md §3). The ClickUp wire format lives in
``serialize.py``; nothing in this module knows about it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

PRIORITIES: dict[int, tuple[str, str]] = {
    1: ("urgent", "#f50000"),
    2: ("high", "#ffcc00"),
    3: ("normal", "#6fddff"),
    4: ("low", "#d8d8d8"),
}


@dataclass(slots=True)
class Member:
    """A user as a member of one workspace (role 1 owner, 2 admin, 3 member, 4 guest)."""

    user_id: int
    username: str
    email: str
    color: str
    initials: str
    role: int
    date_joined_ms: int
    date_invited_ms: int
    last_active_ms: int
    profile_picture: str | None


@dataclass(slots=True)
class Workspace:
    """A ClickUp Workspace ("team" in API v2)."""

    id: str
    name: str
    color: str
    avatar: str
    members: list[Member]
    #: The Total Time in Status ClickApp; without it the time-in-status endpoints answer 400.
    time_in_status: bool = True


@dataclass(slots=True)
class Status:
    """One status of a space's workflow; ``type`` is open, custom or closed."""

    id: str
    status: str
    color: str
    orderindex: int
    type: str


@dataclass(slots=True)
class Space:
    """A space; ``system_folder_id`` is the hidden folder that holds its folderless lists."""

    id: str
    team_id: str
    name: str
    color: str
    private: bool
    archived: bool
    statuses: list[Status]
    multiple_assignees: bool
    system_folder_id: str


@dataclass(slots=True)
class Folder:
    """A folder ("project" in API v2)."""

    id: str
    team_id: str
    space_id: str
    name: str
    orderindex: int
    hidden: bool
    archived: bool
    override_statuses: bool


@dataclass(slots=True)
class TaskList:
    """A list; ``folder_id`` is None for folderless lists."""

    id: str
    team_id: str
    space_id: str
    folder_id: str | None
    name: str
    orderindex: int
    archived: bool
    content: str
    due_date_ms: int
    start_date_ms: int | None
    priority: int | None


@dataclass(slots=True)
class CustomField:
    """A custom-field definition created at ``level`` (team, space, folder or list) on ``owner_id``."""

    id: str
    team_id: str
    name: str
    type: str
    type_config: dict[str, Any]
    date_created_ms: int
    hide_from_guests: bool
    required: bool
    level: str
    owner_id: str

    def option_ids(self) -> list[str]:
        """Ids of the drop_down / labels options, in orderindex order."""
        return [o["id"] for o in self.type_config.get("options", [])]


@dataclass(slots=True)
class ChecklistItem:
    """One item of a checklist."""

    id: str
    name: str
    orderindex: int
    assignee_id: int | None
    resolved: bool
    date_created_ms: int


@dataclass(slots=True)
class Checklist:
    """A checklist on a task."""

    id: str
    name: str
    orderindex: int
    creator_id: int
    date_created_ms: int
    items: list[ChecklistItem]


@dataclass(slots=True)
class Task:
    """A task in canonical form; ``field_values`` holds only the set custom fields."""

    id: str
    custom_id: str | None
    team_id: str
    name: str
    description: str
    status: str
    list_id: str
    parent: str | None
    top_level_parent: str | None
    creator_id: int
    assignee_ids: list[int]
    watcher_ids: list[int]
    tags: list[str]
    priority: int | None
    points: float | None
    time_estimate: int | float | None
    date_created_ms: int
    date_updated_ms: int
    date_closed_ms: int | None
    date_done_ms: int | None
    due_date_ms: int | None
    start_date_ms: int | None
    archived: bool
    orderindex: float
    field_values: dict[str, Any] = field(default_factory=dict)
    checklists: list[Checklist] = field(default_factory=list)
    location_list_ids: list[str] = field(default_factory=list)
    #: ``(status name, entered at ms)`` in order; the last entry is the current status.
    status_history: list[tuple[str, int]] = field(default_factory=list)


@dataclass(slots=True)
class Dependency:
    """``task_id`` waits on ``depends_on``; shown on both tasks, as ClickUp does."""

    task_id: str
    depends_on: str
    type: int
    date_created_ms: int
    user_id: int
    team_id: str


@dataclass(slots=True)
class Link:
    """A symmetric link between two tasks."""

    task_a: str
    task_b: str
    date_created_ms: int
    user_id: int
    team_id: str


@dataclass(slots=True)
class TimeEntry:
    """A time entry; a running timer has ``end_ms`` None."""

    id: str
    team_id: str
    user_id: int
    task_id: str | None
    start_ms: int
    end_ms: int | None
    billable: bool
    description: str
    tags: list[str]
    source: str
    at_ms: int


@dataclass(slots=True)
class Comment:
    """A task comment, possibly assigned to someone."""

    id: str
    task_id: str
    user_id: int
    text: str
    date_ms: int
    assignee_id: int | None
    assigned_by_id: int | None
    resolved: bool
    reply_count: int


@dataclass(slots=True)
class TaskTemplate:
    """A task template of a workspace."""

    id: str
    team_id: str
    name: str


@dataclass(slots=True)
class Webhook:
    """A registered webhook; ``status`` is active, failing or suspended (webhook_delivery.py)."""

    id: str
    user_id: int
    team_id: str
    endpoint: str
    client_id: str
    events: list[str]
    task_id: str | None
    list_id: str | None
    folder_id: str | None
    space_id: str | None
    secret: str
    status: str = "active"
    fail_count: int = 0


@dataclass(slots=True)
class TagDef:
    """A space tag's colours."""

    name: str
    fg: str
    bg: str
    creator_id: int


@dataclass
class State:
    """The whole sandbox workspace set, with lookup indexes kept in sync by the mutators."""

    anchor_ms: int
    owner_user_id: int
    workspaces: dict[str, Workspace] = field(default_factory=dict)
    spaces: dict[str, Space] = field(default_factory=dict)
    folders: dict[str, Folder] = field(default_factory=dict)
    lists: dict[str, TaskList] = field(default_factory=dict)
    fields: dict[str, CustomField] = field(default_factory=dict)
    tags: dict[str, TagDef] = field(default_factory=dict)
    tasks: dict[str, Task] = field(default_factory=dict)
    dependencies: list[Dependency] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    time_entries: dict[str, TimeEntry] = field(default_factory=dict)
    comments: dict[str, list[Comment]] = field(default_factory=dict)
    templates: list[TaskTemplate] = field(default_factory=list)
    #: Records of the extra endpoints (``clickup_sandbox/extras/``), by endpoint name.
    extras: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    webhooks: dict[str, Webhook] = field(default_factory=dict)
    deleted_tasks: list[str] = field(default_factory=list)
    deleted_time_entries: list[str] = field(default_factory=list)
    #: ``(team_id, member)`` of members removed from a workspace (mutation ``remove_member``);
    #: their time entries stay, and tasks and comments still name them.
    former_members: list[tuple[str, Member]] = field(default_factory=list)
    last_update_ms: int = 0
    _exposed: dict[str, list[CustomField]] = field(default_factory=dict)
    _users: dict[int, Member] | None = None
    encoded_fields: dict[str, bytes] = field(default_factory=dict)
    _status_types: dict[tuple[str, str], str] | None = None
    _children: dict[str, list[str]] | None = None
    _deps: dict[str, list[Dependency]] | None = None
    _links: dict[str, list[Link]] | None = None
    _time_spent: dict[str, int] | None = None

    # ----- lookups -------------------------------------------------------------------------------

    def member(self, team_id: str, user_id: int) -> Member | None:
        """The member record of ``user_id`` in workspace ``team_id``."""
        for m in self.workspaces[team_id].members:
            if m.user_id == user_id:
                return m
        return None

    def user(self, user_id: int) -> Member:
        """Any member record of ``user_id`` (user attributes are the same in every workspace)."""
        if self._users is None:
            self._users = {}
            for ws in self.workspaces.values():
                for m in ws.members:
                    self._users.setdefault(m.user_id, m)
            for _, m in self.former_members:
                self._users.setdefault(m.user_id, m)
        return self._users[user_id]

    def space_status(self, space_id: str, name: str) -> Status:
        """The status object called ``name`` in the space's workflow."""
        for st in self.spaces[space_id].statuses:
            if st.status == name:
                return st
        raise KeyError(name)

    def status_type(self, task: Task) -> str:
        """The type (open, custom, closed) of a task's status, from a cached index."""
        if self._status_types is None:
            self._status_types = {
                (sp.id, st.status): st.type for sp in self.spaces.values() for st in sp.statuses
            }
        return self._status_types[(self.lists[task.list_id].space_id, task.status)]

    def task_status(self, task: Task) -> Status:
        """The full status object of a task."""
        return self.space_status(self.lists[task.list_id].space_id, task.status)

    def exposed_fields(self, list_id: str) -> list[CustomField]:
        """Every field a list exposes: team, then space, then folder, then list level."""
        cached = self._exposed.get(list_id)
        if cached is not None:
            return cached
        lst = self.lists[list_id]
        owners = {
            ("team", lst.team_id),
            ("space", lst.space_id),
            ("list", lst.id),
        }
        if lst.folder_id is not None:
            owners.add(("folder", lst.folder_id))
        rank = {"team": 0, "space": 1, "folder": 2, "list": 3}
        result = [f for f in self.fields.values() if (f.level, f.owner_id) in owners]
        result.sort(key=lambda f: rank[f.level])
        self._exposed[list_id] = result
        return result

    def children(self, task_id: str) -> list[str]:
        """Ids of the immediate subtasks of a task."""
        if self._children is None:
            index: dict[str, list[str]] = {}
            for t in self.tasks.values():
                if t.parent is not None:
                    index.setdefault(t.parent, []).append(t.id)
            self._children = index
        return self._children.get(task_id, [])

    def descendants(self, task_id: str) -> list[str]:
        """Ids of every subtask below a task, depth first."""
        out: list[str] = []
        for child in self.children(task_id):
            out.append(child)
            out.extend(self.descendants(child))
        return out

    def dependencies_of(self, task_id: str) -> list[Dependency]:
        """Dependencies in which the task takes part (either side)."""
        if self._deps is None:
            index: dict[str, list[Dependency]] = {}
            for d in self.dependencies:
                index.setdefault(d.task_id, []).append(d)
                index.setdefault(d.depends_on, []).append(d)
            self._deps = index
        return self._deps.get(task_id, [])

    def links_of(self, task_id: str) -> list[Link]:
        """Links in which the task takes part (either side)."""
        if self._links is None:
            index: dict[str, list[Link]] = {}
            for lk in self.links:
                index.setdefault(lk.task_a, []).append(lk)
                index.setdefault(lk.task_b, []).append(lk)
            self._links = index
        return self._links.get(task_id, [])

    def time_spent(self, task_id: str) -> int | None:
        """Sum of finished time entries on a task, or None if it has none."""
        if self._time_spent is None:
            index: dict[str, int] = {}
            for e in self.time_entries.values():
                if e.task_id is not None and e.end_ms is not None:
                    index[e.task_id] = index.get(e.task_id, 0) + (e.end_ms - e.start_ms)
            self._time_spent = index
        return self._time_spent.get(task_id)

    def invalidate(self) -> None:
        """Drop derived indexes after a change to tasks, entries or hierarchy."""
        self._children = None
        self._deps = None
        self._links = None
        self._time_spent = None

    def next_update_ms(self, now_ms: int) -> int:
        """A ``date_updated`` for a change now: strictly greater than any given before."""
        value = max(now_ms, self.last_update_ms + 1)
        self.last_update_ms = value
        return value
