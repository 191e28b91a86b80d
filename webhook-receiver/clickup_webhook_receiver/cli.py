"""``clickup-webhooks``: ``serve`` the receiver; ``register``, ``list``, ``reactivate`` and
``delete`` webhooks; ``generate-key`` and ``encrypt-secrets`` for the stored secrets' encryption.
Settings come from ``--config`` (JSON), the environment and the options."""

from __future__ import annotations

import json
import typing as t
from pathlib import Path

import click

from clickup_webhook_receiver.manage import WebhookManager
from clickup_webhook_receiver.settings import load_settings

CONFIG = click.option(
    "--config",
    "config_path",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="JSON settings file (see docs/webhooks.md).",
)


def _manager(config_path: Path | None) -> WebhookManager:
    return WebhookManager(load_settings(config_path))


def _print_hooks(hooks: list[dict[str, t.Any]], as_json: bool) -> None:
    if as_json:
        click.echo(json.dumps(hooks, indent=2, sort_keys=True))
        return
    if not hooks:
        click.echo("no webhooks")
        return
    for h in hooks:
        health = h.get("health") or {}
        where = next(
            (f"{k}={h[k]}" for k in ("task_id", "list_id", "folder_id", "space_id") if h.get(k)),
            "team",
        )
        stored = {True: "yes", False: "NO"}.get(h.get("secret_stored"), "-")  # type: ignore[arg-type]
        click.echo(
            f"{h.get('id')}  {health.get('status', '?')} (fails {health.get('fail_count', '?')})  "
            f"{h.get('endpoint')}  events={','.join(h.get('events') or [])}  {where}  "
            f"secret stored: {stored}"
        )


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """ClickUp webhooks for the ClickUp extension: receiver and management."""


@main.command()
@CONFIG
@click.option("--host", default=None, help="Interface to listen on (default 127.0.0.1).")
@click.option("--port", type=int, default=None, help="Port (default 8000; 0 picks a free one).")
@click.option("--path", default=None, help="Path that receives deliveries (default /webhook).")
@click.option("--max-body-bytes", type=int, default=None, help="Larger bodies get 413.")
def serve(
    config_path: Path | None,
    host: str | None,
    port: int | None,
    path: str | None,
    max_body_bytes: int | None,
) -> None:
    """Receive signed deliveries and land them in <schema>.webhook_deliveries."""
    from clickup_webhook_receiver.server import serve as run

    overrides = {"host": host, "port": port, "path": path, "max_body_bytes": max_body_bytes}
    run(load_settings(config_path, overrides))


@main.command()
@CONFIG
@click.option("--team-id", required=True, help="Workspace id.")
@click.option("--endpoint", required=True, help="Public HTTPS URL of the receiver.")
@click.option(
    "--event", "events", multiple=True, help="Event to subscribe to (repeatable; default *)."
)
@click.option("--space-id", default=None)
@click.option("--folder-id", default=None)
@click.option("--list-id", default=None)
@click.option("--task-id", default=None)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def register(
    config_path: Path | None,
    team_id: str,
    endpoint: str,
    events: tuple[str, ...],
    space_id: str | None,
    folder_id: str | None,
    list_id: str | None,
    task_id: str | None,
    as_json: bool,
) -> None:
    """Create a webhook and store its secret for the receiver (the secret is never printed)."""
    location = {
        "space_id": space_id,
        "folder_id": folder_id,
        "list_id": list_id,
        "task_id": task_id,
    }
    hook = _manager(config_path).register(team_id, endpoint, list(events) or ["*"], location)
    _print_hooks([{**hook, "secret_stored": True}], as_json)


@main.command(name="list")
@CONFIG
@click.option("--team-id", required=True, help="Workspace id.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def list_(config_path: Path | None, team_id: str, as_json: bool) -> None:
    """List this token's webhooks with their health (secrets are never printed)."""
    _print_hooks(_manager(config_path).list(team_id), as_json)


@main.command()
@CONFIG
@click.option("--team-id", required=True, help="Workspace id.")
@click.argument("webhook_id")
def reactivate(config_path: Path | None, team_id: str, webhook_id: str) -> None:
    """Set a suspended or failing webhook back to active."""
    hook = _manager(config_path).reactivate(team_id, webhook_id)
    _print_hooks([hook], as_json=False)


@main.command()
@CONFIG
@click.argument("webhook_id")
def delete(config_path: Path | None, webhook_id: str) -> None:
    """Delete a webhook at ClickUp and forget its secret."""
    had_secret = _manager(config_path).delete(webhook_id)
    click.echo(f"deleted {webhook_id}" + ("" if had_secret else " (no secret was stored)"))


@main.command(name="generate-key")
def generate_key() -> None:
    """Print a new Fernet key for CLICKUP_WEBHOOKS_SECRETS_KEY (keep it out of the database)."""
    from clickup_webhook_receiver.secret_cipher import generate_key as new_key

    click.echo(new_key())


@main.command(name="encrypt-secrets")
@CONFIG
def encrypt_secrets(config_path: Path | None) -> None:
    """Encrypt the stored secrets under the first secrets_key (migration and key rotation)."""
    from clickup_webhook_receiver.secrets_rotation import encrypt_stored_secrets

    click.echo(encrypt_stored_secrets(load_settings(config_path)))


if __name__ == "__main__":
    main()
