"""The end-of-sync marker: the tap's last STATE message says the sync finished.

After every stream synced successfully the tap writes one more STATE message whose value is
the state plus the top-level key ``clickup_extras_sync``
(``{"completed": true, "finished_at": "<UTC ISO-8601>"}``). A tap that fails or is killed never
writes it, so the target can tell a finished sync from an output that just ended
(target-extras' ``require_end_of_sync_marker``). The key is removed from any input state, so
an old marker is never re-emitted mid-run; the target removes it from the state it emits.
"""

from __future__ import annotations

import copy
import typing as t
from datetime import UTC, datetime

from singer_sdk.singerlib import StateMessage

if t.TYPE_CHECKING:
    from singer_sdk import Tap

MARKER_KEY = "clickup_extras_sync"


def without_marker(state: t.Any) -> t.Any:
    """The state without the marker key (anything else is returned as it is)."""
    if isinstance(state, dict) and MARKER_KEY in state:
        return {key: value for key, value in state.items() if key != MARKER_KEY}
    return state


def marker_state(state: dict[str, t.Any]) -> dict[str, t.Any]:
    """The final state: a copy of ``state`` plus the marker."""
    finished_at = datetime.now(UTC).isoformat(timespec="seconds")
    final: dict[str, t.Any] = copy.deepcopy(without_marker(state))
    final[MARKER_KEY] = {"completed": True, "finished_at": finished_at}
    return final


def write_marker(tap: Tap) -> None:
    """Write the end-of-sync STATE message (call only after every stream succeeded)."""
    tap.write_message(StateMessage(value=marker_state(dict(tap.state))))
