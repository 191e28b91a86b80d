"""Names the scaffold derives from a stream name, and the checks on its inputs."""

from __future__ import annotations

import keyword
import re
from dataclasses import dataclass

STREAM_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
PLACEHOLDER = re.compile(r"\{(\w+)\}")
#: Path placeholder -> (parent stream, its class, its module, sandbox owner kind).
PARENTS: dict[str, tuple[str, str, str, str]] = {
    "team_id": ("workspaces", "WorkspacesStream", "workspace_streams", "team"),
    "team_Id": ("workspaces", "WorkspacesStream", "workspace_streams", "team"),
    "space_id": ("spaces", "SpacesStream", "hierarchy_streams", "space"),
}
RESERVED_COLUMNS = {"team_id", "space_id", "name", "raw_json"}


class ScaffoldError(Exception):
    """An input the scaffold refuses: printed as one line, exit code 1."""


def singular(name: str) -> str:
    """``goals`` -> ``goal``, ``entries`` -> ``entry`` (good enough for column names)."""
    last = name.rsplit("_", 1)
    word = last[-1]
    if word.endswith("ies") and len(word) > 3:
        word = word[:-3] + "y"
    elif word.endswith("s") and not word.endswith("ss"):
        word = word[:-1]
    return "_".join([*last[:-1], word])


def class_name(name: str) -> str:
    """``task_templates`` -> ``TaskTemplatesStream``."""
    return "".join(part.capitalize() for part in name.split("_")) + "Stream"


def check_identifier(value: str, what: str) -> None:
    """Refuse anything but a lower-case Python identifier that is not a keyword."""
    if not STREAM_NAME.match(value) or keyword.iskeyword(value) or not value.isidentifier():
        raise ScaffoldError(
            f"{what} {value!r} is not a valid identifier: use lower case letters, digits and _ "
            "(starting with a letter)."
        )


@dataclass(frozen=True, slots=True)
class Parent:
    """The parent stream a path maps to."""

    placeholder: str
    stream: str
    class_name: str
    module: str
    owner: str


def parent_of(path: str, requested: str | None) -> Parent:
    """The parent a path's single placeholder names; refuse paths it cannot map."""
    if not path.startswith("/") or "?" in path or " " in path:
        raise ScaffoldError(f"path {path!r} must be an API v2 path such as /team/{{team_id}}/goal.")
    names = PLACEHOLDER.findall(path)
    supported = ", ".join(f"{{{p}}} -> {v[0]}" for p, v in PARENTS.items())
    if len(names) != 1 or names[0] not in PARENTS:
        raise ScaffoldError(
            f"path {path!r} needs exactly one parent placeholder the scaffold can map "
            f"({supported}); found {', '.join(names) or 'none'}."
        )
    stream, cls, module, owner = PARENTS[names[0]]
    if requested and requested != stream:
        raise ScaffoldError(
            f"PARENT={requested} does not match the path's placeholder {{{names[0]}}} "
            f"(which maps to {stream}); supported: {supported}."
        )
    return Parent(names[0], stream, cls, module, owner)
