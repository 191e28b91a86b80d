"""Encryption at rest of the stored webhook secrets (Fernet, keys from the environment).

``secrets_key`` (``CLICKUP_WEBHOOKS_SECRETS_KEY``) is one Fernet key, or several separated by
commas while rotating: the first encrypts, every one decrypts. A stored secret is then
``fernet:<token>`` (AES-128-CBC with HMAC-SHA256, from ``cryptography``); a row written before
encryption was turned on holds the plain secret and is still read, until
``clickup-webhooks encrypt-secrets`` re-encrypts every row under the first key (the same
command finishes a rotation). ``cryptography`` is imported only when a key is configured.
"""

from __future__ import annotations

import typing as t

from clickup_webhook_receiver.errors import SettingsError

PREFIX = "fernet:"

if t.TYPE_CHECKING:
    from cryptography.fernet import MultiFernet


def generate_key() -> str:
    """A new random Fernet key (url-safe base64 of 32 bytes)."""
    from cryptography.fernet import Fernet

    return Fernet.generate_key().decode()


def is_encrypted(stored: str) -> bool:
    """Whether a stored value is an encrypted secret (else a plaintext one of an older row)."""
    return stored.startswith(PREFIX)


class SecretCipher:
    """Encrypts under the first key, decrypts under any; never prints a key or a secret."""

    def __init__(self, keys: str) -> None:
        """Parse ``key1,key2``.

        Raises:
            SettingsError: If a key is not a Fernet key (its value is not shown).
        """
        from cryptography.fernet import Fernet, MultiFernet

        parts = [k.strip() for k in keys.split(",") if k.strip()]
        fernets = []
        for number, key in enumerate(parts, start=1):
            try:
                fernets.append(Fernet(key.encode()))
            except ValueError:
                raise SettingsError(
                    f"secrets_key {number} is not a Fernet key (32 url-safe base64-encoded "
                    "bytes; value not shown): create one with `clickup-webhooks "
                    "generate-key`."
                ) from None
        if not fernets:
            raise SettingsError("secrets_key is empty.")
        self._fernet: MultiFernet = MultiFernet(fernets)
        self.key_count = len(fernets)

    def __repr__(self) -> str:
        return f"SecretCipher({self.key_count} keys)"

    def encrypt(self, secret: str) -> str:
        """``fernet:<token>`` of ``secret`` under the first key."""
        return PREFIX + self._fernet.encrypt(secret.encode()).decode()

    def decrypt(self, stored: str) -> str | None:
        """The secret of an encrypted value, or None if no configured key opens it."""
        from cryptography.fernet import InvalidToken

        try:
            return self._fernet.decrypt(stored.removeprefix(PREFIX).encode()).decode()
        except InvalidToken:
            return None


def cipher_of(secrets_key: str | None) -> SecretCipher | None:
    """The cipher of the setting (None when no key is configured)."""
    return SecretCipher(secrets_key) if secrets_key else None
