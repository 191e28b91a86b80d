"""Webhook secrets as signing keys, and the constant-time check of ``X-Signature``.

ClickUp signs the raw body: ``X-Signature`` is the lowercase hex HMAC-SHA256 of the bytes it
posted, keyed with the webhook's ``secret``. A receiver may hold several secrets: those stored by
``register`` belong to one webhook each (``SigningKey.webhook_id``) and vouch only for deliveries
naming that webhook; configured secrets belong to no webhook and vouch for any.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class SigningKey:
    """A webhook secret with a printable id; ``repr`` and ``str`` never show the secret."""

    id: str
    secret: str = field(repr=False)
    #: The webhook this secret belongs to (stored secrets); None: any webhook (configured ones).
    webhook_id: str | None = None

    def __str__(self) -> str:
        return f"SigningKey({self.id})"

    @staticmethod
    def fingerprint(secret: str) -> str:
        """A stable id for a secret that has none: a short hash, which reveals nothing usable."""
        return "key-" + hashlib.sha256(secret.encode()).hexdigest()[:12]


def sign(body: bytes, secret: str) -> str:
    """The ``X-Signature`` ClickUp sends for ``body``: lowercase hex HMAC-SHA256."""
    return hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


class Keyring:
    """The secrets a receiver accepts, checked in constant time."""

    def __init__(self, keys: Iterable[SigningKey] = ()) -> None:
        self._keys: tuple[SigningKey, ...] = tuple(keys)

    def __len__(self) -> int:
        return len(self._keys)

    def __repr__(self) -> str:
        return f"Keyring({', '.join(k.id for k in self._keys)})"

    @property
    def ids(self) -> list[str]:
        """The ids of the keys (never the secrets)."""
        return [k.id for k in self._keys]

    def merged(self, other: Iterable[SigningKey]) -> Keyring:
        """This keyring plus ``other`` (a duplicate secret of the same webhook keeps the first)."""
        seen = {(k.secret, k.webhook_id) for k in self._keys}
        extra = [k for k in other if (k.secret, k.webhook_id) not in seen]
        return Keyring([*self._keys, *extra])

    def matches(self, body: bytes, signature: str | None) -> list[SigningKey]:
        """Every key whose signature of ``body`` is ``signature`` (usually one, or none).

        Every key is compared with ``hmac.compare_digest`` and the loop never stops early, so
        the time taken does not depend on which key (if any) matched. Upper-case hex is accepted.
        """
        if not signature:
            return []
        offered = signature.strip().lower().encode("ascii", "replace")
        matched: list[SigningKey] = []
        for key in self._keys:
            expected = sign(body, key.secret).encode()
            if hmac.compare_digest(expected, offered):
                matched.append(key)
        return matched

    def verify(self, body: bytes, signature: str | None) -> str | None:
        """The id of the first key that signed ``body`` (whatever webhook it names), or None."""
        found = self.matches(body, signature)
        return found[0].id if found else None


def vouching_key(matched: list[SigningKey], webhook_id: str | None) -> SigningKey | None:
    """The key that may vouch for a delivery naming ``webhook_id``: that webhook's own stored
    secret first, else a configured one (no webhook); None if only other webhooks' secrets
    matched."""
    own = [k for k in matched if k.webhook_id is not None and k.webhook_id == webhook_id]
    anyone = [k for k in matched if k.webhook_id is None]
    chosen = own or anyone
    return chosen[0] if chosen else None
