"""Errors of the webhook commands: one line on stderr, exit code 1, no traceback."""

from __future__ import annotations

import sys
import typing as t

from target_extras.errors import ExtrasError

PROG = "clickup-webhooks"


class WebhookError(ExtrasError):
    """A problem the user can act on (settings, database, ClickUp API)."""

    def show(self, file: t.IO[t.Any] | None = None) -> None:
        """Print ``clickup-webhooks: error: <message>`` to stderr."""
        stream = file or sys.stderr
        stream.write(f"{PROG}: error: {self.format_message()}\n")
        stream.flush()


class SettingsError(WebhookError):
    """The configuration file, environment or options are invalid."""


class ClickUpApiError(WebhookError):
    """ClickUp answered an error (the token never appears in the message)."""
