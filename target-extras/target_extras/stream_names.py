"""Stream names that cannot land: they would collide with another stream's view or our tables.

Each stream lands in ``<schema>.<stream>`` plus the view ``<schema>.<stream>__current``; the
target keeps its own tables ``_extras_*`` in the same schema; PostgreSQL truncates identifiers
to 63 bytes. So a stream named ``items__current`` would take the name of the view of stream
``items`` (``DuplicateTable`` in whichever order they come), a stream named ``_extras_runs``
would write into the run log, and two long names could end up as the same view. Such a name is
refused with one line before anything is created; rename the stream in the tap or with a stream
map (``stream_maps``: ``{"items__current": {"__alias__": "items_current"}}``).
"""

from __future__ import annotations

from target_extras.errors import InvalidInputError

CURRENT_VIEW_SUFFIX = "__current"
RESERVED_PREFIX = "_extras_"
MAX_IDENTIFIER_BYTES = 63


def check_stream_name(stream: str) -> None:
    """Refuse a stream whose table or view name would collide or be truncated.

    Raises:
        InvalidInputError: Naming the stream, the reason and the fix.
    """
    reason = None
    if stream.endswith(CURRENT_VIEW_SUFFIX):
        base = stream[: -len(CURRENT_VIEW_SUFFIX)]
        reason = (
            f"it ends in '{CURRENT_VIEW_SUFFIX}', the suffix of the view of stream '{base}' "
            f"({base}{CURRENT_VIEW_SUFFIX} is that stream's current-rows view)"
        )
    elif stream.startswith(RESERVED_PREFIX):
        reason = f"names starting with '{RESERVED_PREFIX}' are the target's own tables"
    elif len((stream + CURRENT_VIEW_SUFFIX).encode()) > MAX_IDENTIFIER_BYTES:
        reason = (
            f"its view name {stream}{CURRENT_VIEW_SUFFIX} is longer than PostgreSQL's "
            f"{MAX_IDENTIFIER_BYTES}-byte identifiers and would be truncated"
        )
    if reason:
        msg = (
            f"stream '{stream}' cannot land: {reason}. Rename the stream in the tap or with a "
            f'stream map ({{"{stream}": {{"__alias__": "<new name>"}}}} in stream_maps).'
        )
        raise InvalidInputError(msg)
