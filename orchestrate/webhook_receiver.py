"""Run the webhook receiver (`clickup-webhooks serve`) as a child process and register
webhooks with its `register` command: used by the demo and the end-to-end tests, so both go
through the same commands a user runs."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

WEBHOOKS_EXE = Path(sys.executable).with_name("clickup-webhooks")
# the receiver and the command take their settings from the arguments given here, not from a
# caller's ClickUp or PostgreSQL environment
_FOREIGN_PREFIXES = ("CLICKUP_", "PG", "DATABASE")


class WebhookReceiverError(RuntimeError):
    """The receiver did not start, or a webhook could not be registered (one line)."""


def _environment(**extra: str) -> dict[str, str]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith(_FOREIGN_PREFIXES)}
    return environment | extra


@contextmanager
def running_webhook_receiver(database_url: str) -> Iterator[str]:
    """`clickup-webhooks serve` on a free port of 127.0.0.1; yields its delivery URL."""
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as config:
        json.dump({"host": "127.0.0.1", "port": 0, "database_url": database_url}, config)
    process = subprocess.Popen(
        [str(WEBHOOKS_EXE), "serve", "--config", config.name],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env=_environment(),
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        if "ready:" not in line:
            raise WebhookReceiverError(f"the webhook receiver did not start: {line.strip()!r}")
        threading.Thread(target=process.stdout.read, daemon=True).start()
        yield line.split("ready:", 1)[1].strip()
    finally:
        process.terminate()
        process.wait(timeout=15)
        Path(config.name).unlink(missing_ok=True)


def register_webhook(
    *,
    api_url: str,
    api_token: str,
    database_url: str,
    endpoint: str,
    team_id: str,
    location: tuple[str, ...] = (),
) -> str:
    """Register a webhook with `clickup-webhooks register`; returns its id.

    ``location`` narrows it, e.g. ``("--space-id", "90120")``. The secret ClickUp returns is
    stored by the command in the database, never printed.
    """
    result = subprocess.run(
        [str(WEBHOOKS_EXE), "register", "--team-id", team_id, "--endpoint", endpoint, *location],
        capture_output=True,
        text=True,
        timeout=60,
        env=_environment(
            CLICKUP_API_TOKEN=api_token, CLICKUP_BASE_URL=api_url, DATABASE_URL=database_url
        ),
        check=False,
    )
    if result.returncode != 0:
        last = (result.stderr.strip().splitlines() or ["no output"])[-1]
        raise WebhookReceiverError(f"registering a webhook failed: {last}")
    return result.stdout.split()[0]
