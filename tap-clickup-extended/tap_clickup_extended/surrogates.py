"""Lone UTF-16 surrogate escapes in a response body (``\\ud800`` without its pair) → U+FFFD.

ClickUp's JSON may carry a string that is not valid Unicode (a task renamed by a client that cut
an emoji in half): ``\\ud800`` alone. Python decodes it into a ``str`` that no UTF-8 output can
hold, and the target, PostgreSQL and dbt cannot store it. The body is repaired before it is
decoded: every lone high or low surrogate escape becomes ``\\ufffd`` (the replacement
character); valid pairs and escaped backslashes (``\\\\ud800`` is text) are kept.

The target-extras package has a module of the same job: each plugin installs and runs on its own,
so neither imports the other (a shared third package for a few lines is not worth its release).
"""

from __future__ import annotations

import re

# Alternatives, left to right: an escaped backslash (kept, so the next "u" is text), a valid
# surrogate pair (kept), a lone surrogate escape (replaced).
_ESCAPES = re.compile(
    rb"(\\\\)"
    rb"|(\\u[dD][89abAB][0-9a-fA-F]{2}\\u[dD][c-fC-F][0-9a-fA-F]{2})"
    rb"|(\\u[dD][89a-fA-F][0-9a-fA-F]{2})"
)
_HINT = re.compile(rb"\\u[dD][89a-fA-F]")
_REPLACEMENT = b"\\ufffd"


def repair_lone_surrogates(body: bytes) -> tuple[bytes, int]:
    """``body`` with every lone surrogate escape replaced by ``\\ufffd``, and how many."""
    if _HINT.search(body) is None:
        return body, 0
    count = 0

    def _replace(match: re.Match[bytes]) -> bytes:
        nonlocal count
        if match.group(3) is None:
            return match.group(0)
        count += 1
        return _REPLACEMENT

    return _ESCAPES.sub(_replace, body), count
