"""Register, list, reactivate and delete our ClickUp webhooks; keep their secrets in PostgreSQL.

ClickUp returns a webhook's secret in every answer (create, list, update). It is stored in
``<schema>.webhook_secrets`` for the receiver and stripped from everything this module returns,
so the command never prints it.
"""

from __future__ import annotations

import contextlib
import typing as t

import psycopg
from target_extras.errors import AirbyteGuardError

from clickup_webhook_receiver import secret_store
from clickup_webhook_receiver.clickup_api import ClickUpClient
from clickup_webhook_receiver.errors import ClickUpApiError, WebhookError
from clickup_webhook_receiver.settings import Settings

LOCATION_KEYS = ("task_id", "list_id", "folder_id", "space_id")


def public(hook: dict[str, t.Any]) -> dict[str, t.Any]:
    """A webhook object without its secret."""
    return {k: v for k, v in hook.items() if k != "secret"}


class WebhookManager:
    """The management operations, over a ClickUp client and the secrets table."""

    def __init__(self, settings: Settings, client: ClickUpClient | None = None) -> None:
        self.settings = settings
        self.client = client or ClickUpClient(settings.require_token(), settings.clickup_base_url)

    @contextlib.contextmanager
    def _database(self) -> t.Iterator[psycopg.Connection]:
        try:
            with psycopg.connect(
                self.settings.database_url, autocommit=True, connect_timeout=10
            ) as pg:
                yield pg
        except psycopg.OperationalError as exc:
            reason = " ".join(str(exc).split())
            raise WebhookError(
                f"cannot use PostgreSQL at {self.settings.database_location}: {reason}"
            ) from None
        except AirbyteGuardError as exc:
            raise WebhookError(exc.format_message()) from None

    def register(
        self,
        team_id: str,
        endpoint: str,
        events: list[str],
        location: dict[str, str | None] | None = None,
    ) -> dict[str, t.Any]:
        """Create a webhook and store its secret; the webhook without the secret.

        If the secret cannot be stored, the new webhook is deleted again (a webhook whose
        deliveries the receiver cannot verify would only fail and be suspended).
        """
        body: dict[str, t.Any] = {"endpoint": endpoint, "events": events}
        for key, value in (location or {}).items():
            if value:
                body[key] = value
        with self._database() as pg:
            created = self.client.create_webhook(team_id, body)
            hook = created.get("webhook") or {}
            if not hook.get("secret") or not hook.get("id"):
                raise WebhookError("ClickUp's answer holds no webhook id or secret.")
            try:
                secret_store.save(
                    pg,
                    self.settings.schema,
                    self.settings.airbyte_schemas,
                    hook,
                    self.settings.secret_cipher(),
                )
            except Exception:
                with contextlib.suppress(ClickUpApiError):
                    self.client.delete_webhook(str(hook["id"]))
                raise
        return public(hook)

    def list(self, team_id: str) -> list[dict[str, t.Any]]:
        """The token owner's webhooks in the workspace, each with ``secret_stored``."""
        hooks = self.client.list_webhooks(team_id)
        with self._database() as pg:
            stored = secret_store.stored_ids(pg, self.settings.schema)
        return [{**public(h), "secret_stored": str(h.get("id")) in stored} for h in hooks]

    def reactivate(self, team_id: str, webhook_id: str) -> dict[str, t.Any]:
        """``PUT /webhook/{id}`` with ``status: active`` (keeps endpoint and events)."""
        current = next(
            (h for h in self.client.list_webhooks(team_id) if str(h.get("id")) == webhook_id),
            None,
        )
        if current is None:
            raise WebhookError(
                f"webhook {webhook_id} is not among this token's webhooks of team {team_id}."
            )
        body = {"endpoint": current["endpoint"], "events": current["events"], "status": "active"}
        updated = self.client.update_webhook(webhook_id, body).get("webhook") or {}
        if updated.get("secret"):
            with self._database() as pg:
                secret_store.save(
                    pg,
                    self.settings.schema,
                    self.settings.airbyte_schemas,
                    updated,
                    self.settings.secret_cipher(),
                )
        return public(updated)

    def delete(self, webhook_id: str) -> bool:
        """Delete the webhook at ClickUp, then its stored secret; whether a secret was stored."""
        self.client.delete_webhook(webhook_id)
        with self._database() as pg:
            return secret_store.delete(pg, self.settings.schema, webhook_id)
