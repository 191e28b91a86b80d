"""The tap's streams, one module per ClickUp domain.

The curated streams are listed in ``tap.STREAM_TYPES``. Any other ``*_streams.py`` module of
this package is discovered: every ``ClickUpStream`` subclass it defines with a ``name`` becomes
a stream, after the curated ones and after its parent (``make new-stream`` writes such modules,
so adding a stream edits no existing file).

Imported by: `tap.py` (discovery) and the tests. A stream module imports the tap's library
modules (`client`, `schema`, `conversions`, `pagination`, `errors`, `decoding`) and other stream
modules' classes only as parents.
"""

from __future__ import annotations

import importlib
import pkgutil
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tap_clickup_extended.client import ClickUpStream

#: Only modules named like this are scanned (helpers and ``__init__`` are not).
MODULE_SUFFIX = "_streams"


def _depth(stream_type: type[ClickUpStream]) -> int:
    depth = 0
    parent = stream_type.parent_stream_type
    while parent is not None:
        depth += 1
        parent = parent.parent_stream_type
    return depth


def discover_stream_types(
    known: tuple[type[ClickUpStream], ...],
) -> tuple[type[ClickUpStream], ...]:
    """The stream classes of this package's modules that ``known`` does not list.

    Ordered parents first (by depth in the parent chain), then by stream name, so the order
    is stable and a discovered child never runs before its discovered parent.
    """
    from tap_clickup_extended.client import ClickUpStream

    found: dict[str, type[ClickUpStream]] = {}
    known_names = {_class_name_of(k) for k in known}
    for module_info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if not module_info.name.endswith(MODULE_SUFFIX):
            continue
        module = importlib.import_module(f"{__name__}.{module_info.name}")
        for value in vars(module).values():
            if (
                isinstance(value, type)
                and issubclass(value, ClickUpStream)
                and value.__module__ == module.__name__
                and isinstance(getattr(value, "name", None), str)
                and value not in known
                and "name" in vars(value)
            ):
                name = _class_name_of(value)
                if name in found or name in known_names:
                    raise RuntimeError(f"two stream classes are named {name!r}")
                found[name] = value
    return tuple(sorted(found.values(), key=lambda t: (_depth(t), _class_name_of(t))))


def _class_name_of(stream_type: type[ClickUpStream]) -> str:
    """The stream name a class declares (singer-sdk types ``name`` as an instance attribute)."""
    return str(vars(stream_type).get("name") or getattr(stream_type, "name", ""))
