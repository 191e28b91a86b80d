"""The tap's end-of-sync marker: a run succeeded only if the tap said it finished.

``tap-clickup-extended`` ends a successful sync with one last STATE message whose value holds
the top-level key ``clickup_extras_sync`` (``{"completed": true, "finished_at": ...}``). When
the tap fails or is killed, its output simply ends; without the marker the target cannot tell
that from a finished sync. This module recognises the marker and removes it from the state
the target stores and emits (so Meltano's stored state never carries it).
"""

from __future__ import annotations

import typing as t

from target_extras.errors import ExtrasError

MARKER_KEY = "clickup_extras_sync"

NO_MARKER_REASON = (
    "the tap's output ended before its end-of-sync marker (a STATE holding "
    f"'{MARKER_KEY}'): the tap failed or was killed. Nothing it sent was lost: every state "
    "emitted covers only committed rows, so the next run resumes from the last one. (A tap "
    "that never sends the marker: set require_end_of_sync_marker to false.)"
)


class TapDidNotFinishError(ExtrasError):
    """The input ended without the tap's end-of-sync marker (the tap failed or was killed)."""


class EndOfSync:
    """Whether the input so far ended with the marker."""

    def __init__(self) -> None:
        """No marker seen yet."""
        self.seen = False

    def observe_state(self, value: t.Any) -> t.Any:
        """Note a STATE value; return it without the marker."""
        if isinstance(value, dict) and MARKER_KEY in value:
            marker = value[MARKER_KEY]
            self.seen = isinstance(marker, dict) and marker.get("completed") is True
            return {k: v for k, v in value.items() if k != MARKER_KEY}
        return value

    def observe_data(self) -> None:
        """A RECORD, SCHEMA or ACTIVATE_VERSION after the marker: the sync is not over."""
        self.seen = False
