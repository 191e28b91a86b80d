"""Values of a signed delivery that PostgreSQL cannot store, repaired instead of refused.

jsonb and text cannot hold NUL (``\\u0000``) nor a lone UTF-16 surrogate (``\\ud800`` without its
pair, which ``json.loads`` accepts); a body that is not valid UTF-8 cannot be text at all.
ClickUp retries a refused delivery five times and then drops it, so a signed delivery is always
stored: NUL characters are removed, lone surrogates and undecodable bytes become U+FFFD, and the
number of repairs is reported. ``raw_body`` keeps the bytes exactly as signed.
"""

from __future__ import annotations

import re
import typing as t

_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
#: What in the raw text can decode to an unstorable character: cheap to look for first.
_HINT = re.compile(r"\\u(?:0000|[dD][89a-fA-F])")


def _fix(match: re.Match[str]) -> str:
    return "" if match.group(0) == "\x00" else "\ufffd"


class Repairs:
    """Counts the characters removed or replaced."""

    def __init__(self) -> None:
        self.count = 0

    def text(self, value: str) -> str:
        """``value`` with NUL removed and lone surrogates replaced, counted."""
        fixed, n = _UNSTORABLE.subn(_fix, value)
        self.count += n
        return fixed

    def value(self, value: t.Any) -> t.Any:
        """A copy of a decoded JSON value with every string and key repaired."""
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, list):
            return [self.value(v) for v in value]
        if isinstance(value, dict):
            return {self.text(str(k)): self.value(v) for k, v in value.items()}
        return value


def may_need_repair(text: str) -> bool:
    """Whether the JSON text holds an escape that decodes to NUL or a surrogate."""
    return _HINT.search(text) is not None
