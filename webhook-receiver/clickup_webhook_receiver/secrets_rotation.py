"""``clickup-webhooks encrypt-secrets``: encrypt the stored webhook secrets, or rotate keys.

Turning encryption on: set ``CLICKUP_WEBHOOKS_SECRETS_KEY`` (a key from ``generate-key``) and run
the command: every plaintext row is encrypted. Rotating: set ``CLICKUP_WEBHOOKS_SECRETS_KEY`` to
``new,old`` for the receivers and the command, run the command (every row is re-encrypted under
``new``), then drop ``old``. All rows change in one transaction.
"""

from __future__ import annotations

import psycopg

from clickup_webhook_receiver import secret_store
from clickup_webhook_receiver.errors import SettingsError, WebhookError
from clickup_webhook_receiver.settings import Settings


def encrypt_stored_secrets(settings: Settings) -> str:
    """Re-encrypt every stored secret under the first key; the line to print.

    Raises:
        SettingsError: No key configured, or a stored secret none of the keys opens.
        WebhookError: The database cannot be used.
    """
    cipher = settings.secret_cipher()
    if cipher is None:
        raise SettingsError(
            "no secrets_key: set CLICKUP_WEBHOOKS_SECRETS_KEY to a key from "
            "`clickup-webhooks generate-key` (or `new,old` while rotating)."
        )
    try:
        with psycopg.connect(settings.database_url, autocommit=True, connect_timeout=10) as pg:
            plain, rotated = secret_store.reencrypt(pg, settings.schema, cipher)
    except psycopg.OperationalError as exc:
        reason = " ".join(str(exc).split())
        raise WebhookError(
            f"cannot use PostgreSQL at {settings.database_location}: {reason}"
        ) from None
    return (
        f"encrypted {plain} plaintext and re-encrypted {rotated} encrypted webhook secrets "
        f"under the first of {cipher.key_count} secrets_key keys"
    )
