"""Webhook secrets as signing keys, and the constant-time check of ``X-Signature``.

ClickUp signs the raw body: ``X-Signature`` is the lowercase hex HMAC-SHA256 of the bytes it
posted, keyed with the webhook's ``secret``. A receiver may hold several secrets (one per webhook,
or an old and a new one while rotating); a delivery is valid when it matches any of them.
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
        """This keyring plus ``other`` (duplicate secrets keep the first id)."""
        seen = {k.secret for k in self._keys}
        extra = [k for k in other if k.secret not in seen]
        return Keyring([*self._keys, *extra])

    def verify(self, body: bytes, signature: str | None) -> str | None:
        """The id of the key that signed ``body``, or None.

        Every key is compared with ``hmac.compare_digest`` and the loop never stops early, so
        the time taken does not depend on which key (if any) matched. Upper-case hex is accepted.
        """
        if not signature:
            return None
        offered = signature.strip().lower().encode("ascii", "replace")
        matched: str | None = None
        for key in self._keys:
            expected = sign(body, key.secret).encode()
            if hmac.compare_digest(expected, offered) and matched is None:
                matched = key.id
        return matched
