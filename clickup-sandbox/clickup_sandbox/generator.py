"""Deterministic generation of the sandbox workspaces from a seed and size parameters.

Dates are placed relative to an anchor (the start of the current UTC day), so two sandboxes built
on the same day with the same seed and sizes hold identical data. Only the canonical state is built
here; ``serialize.py`` decides how ClickUp would show it.
"""

from __future__ import annotations

import random
import time
import uuid
from typing import Any

from clickup_sandbox import extras
from clickup_sandbox.config import SandboxConfig
from clickup_sandbox.model import (
    Checklist,
    ChecklistItem,
    Comment,
    CustomField,
    Dependency,
    Folder,
    Link,
    Member,
    Space,
    State,
    Status,
    TagDef,
    Task,
    TaskList,
    TaskTemplate,
    TimeEntry,
    Workspace,
)

MINUTE = 60_000
HOUR = 60 * MINUTE
DAY = 24 * HOUR

OWNER_USER_ID = 81_000_001
TIME_ENTRY_ID_BASE = 3_900_000_000_000_000_000  # far above 2**53, as ClickUp's are
TASK_ID_BASE = 10 * 36**6  # seven base-36 digits after the "86" prefix

FIRST_NAMES = [
    "Ada",
    "Grace",
    "Alan",
    "Edsger",
    "Barbara",
    "Donald",
    "Margaret",
    "Ken",
    "Radia",
    "Linus",
    "Frances",
    "John",
    "Katherine",
    "Dennis",
    "Hedy",
    "Tim",
    "Sophie",
    "Niklaus",
    "Anita",
    "Guido",
    "Joan",
    "Bjarne",
    "Karen",
    "Leslie",
    "Shafi",
    "Whitfield",
    "Jean",
    "Yukihiro",
    "Lynn",
    "Rasmus",
]
LAST_NAMES = [
    "Lovelace",
    "Hopper",
    "Turing",
    "Dijkstra",
    "Liskov",
    "Knuth",
    "Hamilton",
    "Thompson",
    "Perlman",
    "Torvalds",
    "Allen",
    "McCarthy",
    "Johnson",
    "Ritchie",
    "Lamarr",
    "Berners-Lee",
    "Wilson",
    "Wirth",
    "Borg",
    "van Rossum",
    "Clarke",
    "Stroustrup",
    "Jones",
    "Lamport",
    "Goldwasser",
    "Diffie",
    "Sammet",
    "Matsumoto",
    "Conway",
    "Lerdorf",
]
COLORS = ["#7b68ee", "#ffa12f", "#ff5733", "#1bbc9c", "#0ab4ff", "#e84393", "#81b1ff", "#5f55ee"]
VERBS = ["Fix", "Build", "Review", "Design", "Migrate", "Document", "Test", "Refactor", "Ship"]
NOUNS = [
    "login flow",
    "billing page",
    "CSV export",
    "search index",
    "onboarding email",
    "API client",
    "dashboard",
    "webhook handler",
    "release notes",
    "pricing table",
    "audit log",
    "SSO setup",
    "mobile nav",
    "landing page",
    "invoice PDF",
    "rate limiter",
    "data import",
    "backup job",
]
TAG_PALETTE = [
    ("bug", "#ffffff", "#e50000"),
    ("feature", "#ffffff", "#0231e8"),
    ("customer", "#800000", "#ff7800"),
    ("tech-debt", "#ffffff", "#656f7d"),
    ("design", "#ffffff", "#ee5e99"),
    ("backend", "#ffffff", "#1bbc9c"),
    ("frontend", "#ffffff", "#5f55ee"),
    ("q3-okr", "#800000", "#f9d900"),
]
ENTRY_TAGS = ["deep-work", "meeting", "support", "billable-client"]
CITIES = [
    (52.520008, 13.404954, "Berlin, Germany"),
    (48.856613, 2.352222, "Paris, France"),
    (40.712776, -74.005974, "New York, NY, USA"),
    (35.676192, 139.650311, "Tokyo, Japan"),
    (-33.868820, 151.209296, "Sydney NSW, Australia"),
]

SPACE_PLAN: list[dict[str, Any]] = [
    {
        "name": "Engineering",
        "prefix": "ENG",
        "archived": False,
        "statuses": [
            ("to do", "open"),
            ("in progress", "custom"),
            ("code review", "custom"),
            ("blocked", "custom"),
            ("complete", "closed"),
        ],
        "folders": [
            ("Sprint Board", False, False, 3),
            ("Platform", False, False, 2),
            ("Old Sprints", True, False, 2),
        ],
        "folderless": 2,
        "empty": 1,
    },
    {
        "name": "Marketing",
        "prefix": "MKT",
        "archived": False,
        "statuses": [
            ("backlog", "open"),
            ("drafting", "custom"),
            ("approved", "custom"),
            ("published", "closed"),
        ],
        "folders": [("Campaigns", False, False, 2), ("Ops", False, True, 2)],
        "folderless": 2,
        "empty": 1,
    },
    {
        "name": "Customer Success",
        "prefix": "CS",
        "archived": False,
        "statuses": [("new", "open"), ("waiting on customer", "custom"), ("resolved", "closed")],
        "folders": [("Onboarding", False, False, 2)],
        "folderless": 1,
    },
    {
        "name": "Legacy",
        "prefix": "OLD",
        "archived": True,
        "statuses": [("open", "open"), ("doing", "custom"), ("done", "closed")],
        "folders": [("Archive", False, False, 1)],
        "folderless": 1,
    },
]
STATUS_COLORS = {"open": "#d3d3d3", "custom": "#4194f6", "closed": "#6bc950"}
LIST_NAMES = ["Backlog", "Sprint", "Bugs", "Roadmap", "Requests", "Q3", "Content", "Intake"]


def anchor_ms(now: float | None = None) -> int:
    """Start of the current UTC day, in ms."""
    now_ms = int((time.time() if now is None else now) * 1000)
    return now_ms - now_ms % DAY


class _Ids:
    """Sequential id allocators shared by every workspace of one generation."""

    def __init__(self) -> None:
        self.space = 90_100_000
        self.folder = 90_110_000
        self.list = 901_200_000
        self.task = TASK_ID_BASE
        self.entry = TIME_ENTRY_ID_BASE
        self.comment = 90_000_000_000

    def next_space(self) -> str:
        self.space += 1
        return str(self.space)

    def next_folder(self) -> str:
        self.folder += 1
        return str(self.folder)

    def next_list(self) -> str:
        self.list += 1
        return str(self.list)

    def next_task(self) -> str:
        self.task += 1
        return "86" + _base36(self.task)

    def next_entry(self) -> str:
        self.entry += 7_919
        return str(self.entry)

    def next_comment(self) -> str:
        self.comment += 1
        return str(self.comment)


def _base36(n: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    out = ""
    while n:
        n, r = divmod(n, 36)
        out = digits[r] + out
    return out or "0"


def _uuid(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def _at_4am(ms: int) -> int:
    """A date without time part, stored as 4 am (UTC here) as ClickUp does."""
    return ms - ms % DAY + 4 * HOUR


def generate(config: SandboxConfig, anchor: int | None = None) -> State:
    """Build the full canonical state for ``config``."""
    anchor = anchor_ms() if anchor is None else anchor
    state = State(anchor_ms=anchor, owner_user_id=OWNER_USER_ID)
    ids = _Ids()
    for w in range(config.workspaces):
        _WorkspaceBuilder(state, config, ids, w).build()
    extras.populate(state, config.seed)
    state.last_update_ms = max((t.date_updated_ms for t in state.tasks.values()), default=anchor)
    return state


class _WorkspaceBuilder:
    """Builds one workspace into ``state``."""

    def __init__(self, state: State, config: SandboxConfig, ids: _Ids, index: int) -> None:
        self.state = state
        self.config = config
        self.ids = ids
        self.rng = random.Random(f"clickup-sandbox:{config.seed}:{index}")
        self.index = index
        self.team_id = str(9_000_001 + index)
        self.anchor = state.anchor_ms
        self.horizon = max(1, config.months) * 30 * DAY
        self.members: list[Member] = []
        self.lists: list[TaskList] = []
        self.tasks: list[Task] = []
        self.prefix: dict[str, str] = {}
        #: Lists that get no tasks: their fields appear on no task payload.
        self.empty_list_ids: set[str] = set()

    # ----- orchestration -------------------------------------------------------------------------

    def build(self) -> None:
        self._members()
        self._hierarchy()
        self._fields()
        self._tags()
        self._tasks()
        self._field_values()
        self._relations()
        self._time_entries()
        self._comments()
        self._templates()

    # ----- people --------------------------------------------------------------------------------

    def _members(self) -> None:
        rng, n = self.rng, max(2, self.config.members)
        owner = self._member(OWNER_USER_ID, "Sam Sandbox", 1)
        self.members.append(owner)
        used = {"Sam Sandbox"}
        for i in range(1, n):
            while True:
                name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
                if name not in used:
                    used.add(name)
                    break
            if i <= 3:
                role = 2
            elif i >= n - 2 and n >= 6:
                role = 4
            else:
                role = 3
            self.members.append(self._member(81_000_100 + self.index * 1000 + i, name, role))
        ws_name = "Sandbox Workspace" if self.index == 0 else f"Sandbox Workspace {self.index + 1}"
        self.state.workspaces[self.team_id] = Workspace(
            id=self.team_id,
            name=ws_name,
            color=rng.choice(COLORS),
            avatar=f"https://attachments.clickup.example/avatars/{self.team_id}.png",
            members=self.members,
            time_in_status=not ({"*", self.team_id} & set(self.config.no_time_in_status)),
        )

    def _member(self, user_id: int, name: str, role: int) -> Member:
        rng = self.rng
        joined = self.anchor - rng.randint(200, 700) * DAY - rng.randint(0, DAY)
        first, last = name.split(" ", 1)
        return Member(
            user_id=user_id,
            username=name,
            email=f"{first}.{last.replace(' ', '').replace('-', '')}@example.com".lower(),
            color=rng.choice(COLORS),
            initials=(first[0] + last[0]).upper(),
            role=role,
            date_joined_ms=joined,
            date_invited_ms=joined - rng.randint(1, 5) * DAY,
            last_active_ms=self.anchor - rng.randint(0, 5 * DAY),
            profile_picture=f"https://attachments.clickup.example/profilePictures/{user_id}.jpg",
        )

    def _workers(self) -> list[Member]:
        return [m for m in self.members if m.role != 4]

    # ----- hierarchy -----------------------------------------------------------------------------

    def _hierarchy(self) -> None:
        rng = self.rng
        list_counter = 0
        for s_index, plan in enumerate(SPACE_PLAN):
            space_id = self.ids.next_space()
            self.prefix[space_id] = plan["prefix"]
            statuses = [
                Status(
                    id=f"sc{space_id}_{_base36(i + 1)}",
                    status=name,
                    color=STATUS_COLORS[kind],
                    orderindex=i,
                    type=kind,
                )
                for i, (name, kind) in enumerate(plan["statuses"])
            ]
            self.state.spaces[space_id] = Space(
                id=space_id,
                team_id=self.team_id,
                name=plan["name"],
                color=rng.choice(COLORS),
                private=s_index == 2,
                archived=plan["archived"],
                statuses=statuses,
                multiple_assignees=True,
                system_folder_id=self.ids.next_folder(),
            )
            containers: list[str | None] = []
            for f_index, (name, archived, hidden, _) in enumerate(plan["folders"]):
                folder_id = self.ids.next_folder()
                self.state.folders[folder_id] = Folder(
                    id=folder_id,
                    team_id=self.team_id,
                    space_id=space_id,
                    name=name,
                    orderindex=f_index,
                    hidden=hidden,
                    archived=archived,
                    override_statuses=False,
                )
                containers.extend([folder_id] * plan["folders"][f_index][3])
            containers.extend([None] * plan["folderless"])
            for position, folder_id in enumerate(containers):
                list_counter += 1
                # One archived list inside the first space's first folder, one folderless
                # archived list in the second space.
                archived = (s_index == 0 and position == 1) or (
                    s_index == 1 and folder_id is None and position == len(containers) - 1
                )
                lst = TaskList(
                    id=self.ids.next_list(),
                    team_id=self.team_id,
                    space_id=space_id,
                    folder_id=folder_id,
                    name=f"{LIST_NAMES[list_counter % len(LIST_NAMES)]} {list_counter}",
                    orderindex=position,
                    archived=archived,
                    content=f"Work tracked in {plan['name']}.",
                    due_date_ms=_at_4am(self.anchor + rng.randint(10, 120) * DAY),
                    start_date_ms=(
                        _at_4am(self.anchor - rng.randint(10, 200) * DAY)
                        if rng.random() < 0.5
                        else None
                    ),
                    priority=rng.choice([None, 1, 2, 3, 4]),
                )
                self.state.lists[lst.id] = lst
                self.lists.append(lst)
            for _ in range(plan.get("empty", 0)):
                list_counter += 1
                lst = TaskList(
                    id=self.ids.next_list(),
                    team_id=self.team_id,
                    space_id=space_id,
                    folder_id=None,
                    name=f"Empty {list_counter}",
                    orderindex=len(containers),
                    archived=False,
                    content="A list nobody has used yet.",
                    due_date_ms=_at_4am(self.anchor + 30 * DAY),
                    start_date_ms=None,
                    priority=None,
                )
                self.state.lists[lst.id] = lst
                self.lists.append(lst)
                self.empty_list_ids.add(lst.id)

    def _list_is_archived(self, lst: TaskList) -> bool:
        if lst.archived or self.state.spaces[lst.space_id].archived:
            return True
        return lst.folder_id is not None and self.state.folders[lst.folder_id].archived

    # ----- custom fields -------------------------------------------------------------------------

    def _field(self, level: str, owner: str, name: str, ftype: str) -> None:
        rng = self.rng
        config: dict[str, Any]
        if ftype == "drop_down":
            names = (
                ["Acme", "Globex", "Initech", "Umbrella", "Hooli"]
                if "Client" in name
                else ["💡 Idea", "🛠 Build", "🚀 Launch", "📈 Grow"]
            )
            config = {
                "default": 0,
                "placeholder": None,
                "new_drop_down": True,
                "sorting": "manual",
                "options": [
                    {
                        "id": _uuid(rng),
                        "name": n,
                        "color": rng.choice([*COLORS, None]),
                        "orderindex": i,
                    }
                    for i, n in enumerate(names)
                ],
            }
        elif ftype == "labels":
            config = {
                "sorting": "manual",
                "options": [
                    {"id": _uuid(rng), "label": n, "color": rng.choice(COLORS), "orderindex": i}
                    for i, n in enumerate(["alpha", "beta", "ga", "enterprise", "self-serve"])
                ],
            }
        elif ftype == "users":
            config = {
                "single_user": False,
                "include_groups": False,
                "include_guests": True,
                "include_team_members": True,
            }
        elif ftype == "currency":
            config = {"precision": 2, "currency_type": "USD", "default": None}
        elif ftype == "emoji":
            config = {"code_point": "2b50", "count": 5}
        elif ftype == "manual_progress":
            config = {"method": "manual", "start": 0, "end": 10}
        elif ftype == "automatic_progress":
            config = {
                "method": "automatic",
                "tracking": {"subtasks": True, "checklists": True, "assigned_comments": False},
                "complete_on": 3,
            }
        elif ftype == "formula":
            config = {"formula": "field('🔥 Priority Score') * 2", "is_dynamic": False}
        elif ftype == "tasks":
            config = {"fields": [], "linked_subcategory_access": True}
        else:
            config = {}
        fid = _uuid(rng)
        self.state.fields[fid] = CustomField(
            id=fid,
            team_id=self.team_id,
            name=name,
            type=ftype,
            type_config=config,
            date_created_ms=self.anchor - self.horizon - rng.randint(1, 90) * DAY,
            hide_from_guests=rng.random() < 0.1,
            required=False,
            level=level,
            owner_id=owner,
        )

    def _fields(self) -> None:
        team = self.team_id
        for name, ftype in [
            ("Client", "drop_down"),
            ("Release Labels", "labels"),
            ("Reviewers", "users"),
            ("🔥 Priority Score", "number"),
            ("Budget", "currency"),
        ]:
            self._field("team", team, name, ftype)
        spaces = [s for s in self.state.spaces.values() if s.team_id == team]
        for s_index, space in enumerate(spaces):
            self._field("space", space.id, "Launch Date", "date")
            self._field("space", space.id, "Approved", "checkbox")
            self._field("space", space.id, "⭐ Rating", "emoji")
            if s_index == 0:
                self._field("space", space.id, "🚀 Stage", "drop_down")
                # A second relationship field: a task may name the same task in both.
                self._field("space", space.id, "Blocked By", "tasks")
        folder_types = [
            ("Office", "location"),
            ("Manual Progress", "manual_progress"),
            ("Auto Progress", "automatic_progress"),
            ("Score x2", "formula"),
        ]
        folders = [f for f in self.state.folders.values() if f.team_id == team]
        for f_index, folder in enumerate(folders):
            chosen = folder_types if f_index == 0 else folder_types[f_index % 4 :][:2]
            for name, ftype in chosen:
                self._field("folder", folder.id, name, ftype)
        list_types = [
            ("Notes", "text"),
            ("Summary", "short_text"),
            ("Spec URL", "url"),
            ("Contact Email", "email"),
            ("Contact Phone", "phone"),
            ("Related Tasks", "tasks"),
        ]
        for l_index, lst in enumerate(self.lists):
            chosen = list_types if l_index == 0 else list_types[l_index % 6 :][:3]
            for name, ftype in chosen:
                self._field("list", lst.id, name, ftype)

    def _tags(self) -> None:
        creator = self.members[0].user_id
        for name, fg, bg in TAG_PALETTE:
            self.state.tags.setdefault(name, TagDef(name=name, fg=fg, bg=bg, creator_id=creator))

    # ----- tasks ---------------------------------------------------------------------------------

    def _tasks(self) -> None:
        rng, state = self.rng, self.state
        n = self.config.tasks
        used = [lst for lst in self.lists if lst.id not in self.empty_list_ids]
        active = [lst for lst in used if not self._list_is_archived(lst)]
        archived_lists = [lst for lst in used if self._list_is_archived(lst)]
        created = sorted(self.anchor - int(self.horizon * rng.random() ** 1.3) for _ in range(n))
        by_list: dict[str, list[Task]] = {}
        workers = self._workers()
        for i in range(n):
            lst = (
                rng.choice(archived_lists)
                if archived_lists and rng.random() < 0.04
                else rng.choice(active)
            )
            siblings = by_list.setdefault(lst.id, [])
            parent: Task | None = None
            if siblings and rng.random() < 0.28:
                candidate = rng.choice(siblings[-30:])
                if candidate.parent is None or state.tasks[candidate.parent].parent is None:
                    parent = candidate
            date_created = (
                max(created[i], parent.date_created_ms + MINUTE) if parent else created[i]
            )
            date_created = min(date_created, self.anchor - 2 * MINUTE)
            task = self._task(lst, parent, date_created, workers, i)
            siblings.append(task)
            self.tasks.append(task)
            state.tasks[task.id] = task
        # A few tasks live in more than one list (ClickUp's "tasks in multiple lists").
        for task in rng.sample(self.tasks, k=min(len(self.tasks), max(1, n // 50))):
            other = rng.choice(active)
            if other.id != task.list_id:
                task.location_list_ids.append(other.id)

    def _task(
        self, lst: TaskList, parent: Task | None, created: int, workers: list[Member], i: int
    ) -> Task:
        rng, state = self.rng, self.state
        space = state.spaces[lst.space_id]
        span = self.anchor - created
        updated = created + max(1000, int(span * rng.random()))
        roll = rng.random()
        kind = "open" if roll < 0.3 else ("custom" if roll < 0.7 else "closed")
        candidates = [s for s in space.statuses if s.type == kind] or space.statuses
        status = rng.choice(candidates)
        closed_at = None
        if status.type == "closed":
            closed_at = created + max(500, int((updated - created) * rng.uniform(0.5, 1.0)))
            updated = max(updated, closed_at)
        history = [(space.statuses[0].status, created)]
        steps = [s for s in space.statuses[1:] if s.orderindex <= status.orderindex]
        end = closed_at or updated
        cursor = created
        for st in steps:
            if st is not status and rng.random() < 0.5:
                continue
            cursor = cursor + max(1, int((end - cursor) * rng.uniform(0.2, 0.7)))
            history.append((st.status, min(cursor, end)))
        if status.orderindex == 0:
            history = [(status.status, created)]
        elif history[-1][0] != status.status:
            history.append((status.status, end))
        creator = rng.choice(workers).user_id
        assignees = sorted({m.user_id for m in rng.sample(workers, k=rng.choice([0, 1, 1, 2, 3]))})
        watchers = sorted({creator, *assignees})
        estimate: int | float | None = None
        if rng.random() < 0.5:
            estimate = rng.choice([1, 2, 3, 4, 6, 8, 16]) * HOUR
            if rng.random() < 0.15:
                estimate = estimate + 0.0  # ClickUp sometimes sends a float here
        checklists = []
        if rng.random() < 0.15:
            cl_created = created + MINUTE
            checklists.append(
                Checklist(
                    id=_uuid(rng),
                    name="Checklist",
                    orderindex=0,
                    creator_id=creator,
                    date_created_ms=cl_created,
                    items=[
                        ChecklistItem(
                            id=_uuid(rng),
                            name=f"Step {k + 1}",
                            orderindex=k,
                            assignee_id=rng.choice([None, creator]),
                            resolved=rng.random() < 0.5,
                            date_created_ms=cl_created,
                        )
                        for k in range(rng.randint(2, 4))
                    ],
                )
            )
        task_id = self.ids.next_task()
        due = _at_4am(created + rng.randint(1, 60) * DAY) if rng.random() < 0.6 else None
        return Task(
            id=task_id,
            custom_id=(f"{self.prefix[space.id]}-{i + 1}" if rng.random() < 0.15 else None),
            team_id=self.team_id,
            name=f"{rng.choice(VERBS)} {rng.choice(NOUNS)}"
            + (f" (part {rng.randint(1, 4)})" if parent else ""),
            description=f"Task {i + 1} of the sandbox. {rng.choice(NOUNS).capitalize()} needs care.",
            status=status.status,
            list_id=lst.id,
            parent=parent.id if parent else None,
            top_level_parent=(parent.top_level_parent or parent.id) if parent else None,
            creator_id=creator,
            assignee_ids=assignees,
            watcher_ids=watchers,
            tags=rng.sample([t[0] for t in TAG_PALETTE], k=rng.choice([0, 0, 1, 1, 2, 3])),
            priority=rng.choice([None, None, 1, 2, 2, 3, 3, 3, 4]),
            points=rng.choice([None, None, None, 1, 2, 3, 5, 8, 0.5]),
            time_estimate=estimate,
            date_created_ms=created,
            date_updated_ms=updated,
            date_closed_ms=closed_at,
            date_done_ms=closed_at,
            due_date_ms=due,
            start_date_ms=(due - rng.randint(1, 10) * DAY) if due and rng.random() < 0.4 else None,
            archived=self._list_is_archived(lst) or rng.random() < 0.03,
            orderindex=float(i + 1) + rng.randint(0, 9999) / 10_000,
            checklists=checklists,
            status_history=history,
        )

    def _field_values(self) -> None:
        rng, state = self.rng, self.state
        task_ids = [t.id for t in self.tasks]
        member_ids = [m.user_id for m in self.members]
        for task in self.tasks:
            for fdef in state.exposed_fields(task.list_id):
                if rng.random() < 0.6:
                    task.field_values[fdef.id] = random_value(rng, fdef, task, task_ids, member_ids)
        # One task names the same task in two relationship fields (the tap must keep both).
        for task in self.tasks:
            related = [fid for fid in task.field_values if state.fields[fid].type == "tasks"]
            if len(related) >= 2:
                first, second = related[:2]
                shared = task.field_values[first][0]
                if shared not in task.field_values[second]:
                    task.field_values[second] = [shared, *task.field_values[second]][:2]
                break

    def _relations(self) -> None:
        rng, state = self.rng, self.state
        tasks = self.tasks
        if len(tasks) < 4:
            return
        seen: set[tuple[str, str]] = set()
        for _ in range(max(2, len(tasks) // 20)):
            a, b = rng.sample(tasks, 2)
            if (a.id, b.id) in seen or (b.id, a.id) in seen:
                continue
            seen.add((a.id, b.id))
            state.dependencies.append(
                Dependency(
                    task_id=a.id,
                    depends_on=b.id,
                    type=1,
                    date_created_ms=max(a.date_created_ms, b.date_created_ms) + MINUTE,
                    user_id=a.creator_id,
                    team_id=self.team_id,
                )
            )
        for _ in range(max(2, len(tasks) // 30)):
            a, b = rng.sample(tasks, 2)
            if (a.id, b.id) in seen or (b.id, a.id) in seen:
                continue
            seen.add((a.id, b.id))
            state.links.append(
                Link(
                    task_a=a.id,
                    task_b=b.id,
                    date_created_ms=max(a.date_created_ms, b.date_created_ms) + MINUTE,
                    user_id=b.creator_id,
                    team_id=self.team_id,
                )
            )

    # ----- time tracking -------------------------------------------------------------------------

    def _time_entries(self) -> None:
        rng, state = self.rng, self.state
        live_tasks = [t for t in self.tasks if not t.archived] or self.tasks
        first_day = self.anchor - self.horizon
        entries: list[TimeEntry] = []
        for member in self.members:
            if member.role == 4 and rng.random() < 0.5:
                continue
            rate = 0.95 if member.user_id == OWNER_USER_ID else rng.uniform(0.3, 0.8)
            day = first_day
            while day < self.anchor:
                weekday = (day // DAY + 3) % 7  # 0 = Monday
                if weekday < 5 and rng.random() < rate:
                    cursor = day + rng.randint(7, 10) * HOUR + rng.randint(0, 59) * MINUTE
                    for _ in range(rng.choice([1, 1, 2, 3])):
                        length = rng.randint(15, 180) * MINUTE + rng.randint(0, 59_999)
                        entries.append(self._entry(member, cursor, cursor + length, live_tasks))
                        cursor += length + rng.randint(5, 90) * MINUTE
                day += DAY
        # Running timers: the token's user and one other worker have one each.
        runners = [self.members[0], *([self._workers()[1]] if len(self._workers()) > 1 else [])]
        for k, member in enumerate(runners):
            start = self.anchor - (2 + k) * HOUR - rng.randint(0, 59) * MINUTE
            entries.append(self._entry(member, start, None, live_tasks))
        entries.sort(key=lambda e: (e.start_ms, e.user_id))
        edited = 0
        for e in entries:
            e.id = self.ids.next_entry()
            state.time_entries[e.id] = e
            if (
                e.end_ms is not None
                and edited < max(2, len(entries) // 100)
                and rng.random() < 0.02
            ):
                e.description = (e.description + " (edited)").strip()
                e.at_ms = e.end_ms + rng.randint(1, 48) * HOUR
                edited += 1

    def _entry(self, member: Member, start: int, end: int | None, tasks: list[Task]) -> TimeEntry:
        rng = self.rng
        task = rng.choice(tasks) if rng.random() < 0.88 else None
        return TimeEntry(
            id="",
            team_id=self.team_id,
            user_id=member.user_id,
            task_id=task.id if task else None,
            start_ms=start,
            end_ms=end,
            billable=rng.random() < 0.5,
            description=rng.choice(["", "", "Pairing", "Standup", "Deep work", "Customer call"]),
            tags=rng.sample(ENTRY_TAGS, k=rng.choice([0, 0, 1, 2])),
            source="clickup",
            at_ms=end if end is not None else start,
        )

    # ----- comments and templates ----------------------------------------------------------------

    def _comments(self) -> None:
        rng, state = self.rng, self.state
        busy = {t.id for t in self.tasks[:: max(1, len(self.tasks) // 2)][:2]}
        for task in self.tasks:
            if task.id in busy:
                count = rng.randint(30, 60)
            elif rng.random() < 0.25:
                count = rng.randint(1, 4)
            else:
                continue
            comments = []
            span = max(count, self.anchor - task.date_created_ms)
            for k in range(count):
                author = rng.choice(self.members)
                assigned = rng.random() < 0.2
                comments.append(
                    Comment(
                        id="",
                        task_id=task.id,
                        user_id=author.user_id,
                        text=f"Comment {k + 1} on {task.name}",
                        date_ms=task.date_created_ms + int(span * (k + 1) / (count + 1)),
                        assignee_id=rng.choice(self._workers()).user_id if assigned else None,
                        assigned_by_id=author.user_id if assigned else None,
                        resolved=assigned and rng.random() < 0.5,
                        reply_count=rng.choice([0, 0, 0, 1, 2]),
                    )
                )
            state.comments[task.id] = comments
        for task_id in sorted(state.comments, key=lambda t: state.tasks[t].date_created_ms):
            for c in state.comments[task_id]:
                c.id = self.ids.next_comment()

    def _templates(self) -> None:
        for k, name in enumerate(["Bug report", "Feature request", "Release checklist"]):
            self.state.templates.append(
                TaskTemplate(id=f"t-{self.team_id}-{k + 1}", team_id=self.team_id, name=name)
            )


def random_value(
    rng: random.Random,
    fdef: CustomField,
    task: Task,
    task_ids: list[str],
    member_ids: list[int],
) -> Any:
    """A canonical value for ``fdef`` (see docs/data-contracts.md §3)."""
    t = fdef.type
    if t == "drop_down":
        return rng.choice(fdef.option_ids())
    if t == "labels":
        return rng.sample(fdef.option_ids(), k=rng.randint(1, 3))
    if t == "users":
        return rng.sample(member_ids, k=rng.randint(1, 2))
    if t == "tasks":
        others = [x for x in rng.sample(task_ids, k=min(3, len(task_ids))) if x != task.id]
        return others[: rng.randint(1, 2)] or task_ids[:1]
    if t == "number":
        return rng.choice([rng.randint(0, 100), round(rng.uniform(0, 100), 1)])
    if t == "currency":
        return round(rng.uniform(100, 50_000), 2)
    if t == "date":
        return _at_4am(task.date_created_ms + rng.randint(1, 90) * DAY)
    if t == "checkbox":
        return rng.random() < 0.6
    if t == "emoji":
        return rng.randint(0, int(fdef.type_config.get("count", 5)))
    if t == "location":
        lat, lng, address = rng.choice(CITIES)
        return {"lat": lat, "lng": lng, "formatted_address": address}
    if t == "manual_progress":
        return {"percent_completed": rng.randint(0, 10) * 10}
    if t == "automatic_progress":
        return {"percent_completed": rng.choice([0, 25, 33, 50, 66, 75, 100])}
    if t == "formula":
        return round(rng.uniform(0, 200), 2)
    if t == "url":
        return f"https://specs.example.com/{task.id}"
    if t == "email":
        return f"contact+{task.id}@example.com"
    if t == "phone":
        return f"+1 555 01{rng.randint(10, 99)}"
    if t == "short_text":
        return rng.choice(["Needs review", "On track", "At risk", "Ünïcödé ✓"])
    return f"Notes for {task.name}.\nSecond line."
