"""Fatal error types of the tap and the one-line messages users see for them."""

from __future__ import annotations

from collections.abc import Iterable

from singer_sdk.exceptions import FatalAPIError

# ``scrub`` lives with the rest of the HTTP conventions the webhook receiver shares; the tap
# imports it from here as before.
from tap_clickup_extended.clickup_http import REDACTED as REDACTED
from tap_clickup_extended.clickup_http import scrub as scrub


class ClickUpFatalError(FatalAPIError):
    """An error that ends the run at once with one actionable line and no traceback."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class SettingsError(ClickUpFatalError):
    """The configuration is invalid; raised before the first request."""


class AuthError(ClickUpFatalError):
    """ClickUp refused the token or the workspace (HTTP 401/403)."""


class UnknownTeamError(ClickUpFatalError):
    """A configured workspace id is not visible to the token."""


class UnreachableError(ClickUpFatalError):
    """The API could not be reached (connection refused, DNS, timeouts) after all retries."""


class TaskOrderError(ClickUpFatalError):
    """ClickUp's task order contradicts ``order_by=updated``: reading on could skip tasks."""


class GaveUpError(ClickUpFatalError):
    """A retriable failure (429, 5xx, broken body) persisted past ``max_retries``."""


TEAM_ECODES = frozenset(
    {"OAUTH_023", "OAUTH_026", "OAUTH_027", *(f"OAUTH_0{n}" for n in range(29, 46))}
)
TOKEN_ECODES = frozenset({"OAUTH_017", "OAUTH_019", "OAUTH_021", "OAUTH_025", "OAUTH_077"})


def client_error(
    status: int,
    ecode: str,
    err: str,
    path: str,
    team_id: str | None,
    visible_team_ids: Iterable[str],
) -> ClickUpFatalError:
    """Build the fatal error for a 400/401/403 (or other unexpected 4xx) response.

    ``path`` must not contain secrets (the token travels in a header, never in the URL).
    """
    code = f"HTTP {status}, {ecode}" if ecode else f"HTTP {status}"
    if ecode in TEAM_ECODES and team_id:
        visible = ", ".join(sorted(visible_team_ids)) or "none"
        return UnknownTeamError(
            f"ClickUp workspace (team) id {team_id} is not authorized for this token ({code}): "
            f"the token can see {visible}; fix the team_ids setting."
        )
    if status == 401 or ecode in TOKEN_ECODES:
        return AuthError(
            f"ClickUp rejected the API token ({code}): check the api_token setting / "
            "CLICKUP_API_TOKEN."
        )
    if status == 403:
        return AuthError(
            f"ClickUp denied access to {path} ({code}{': ' + err if err else ''}): the token's "
            "user lacks permission (time entries of other users need a Workspace owner or admin)."
        )
    return ClickUpFatalError(
        f"ClickUp rejected the request {path} ({code}{': ' + err if err else ''}); "
        "this is a bug in the tap or an unsupported setting."
    )
