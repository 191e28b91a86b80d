"""Lone UTF-16 surrogate escapes (``\\ud800`` without its pair) in raw JSON, replaced by U+FFFD.

JSON allows ``\\ud800`` on its own, but it is not a character: UTF-8, PostgreSQL text and jsonb
cannot hold it, and msgspec refuses the whole line ("Input data was truncated"). The repair works
on the raw text, before decoding: every lone high or low surrogate escape becomes ``\\ufffd``
(the replacement character), valid pairs and escaped backslashes (``\\\\ud800`` is text) stay.

The tap-clickup-extended package has a module of the same job: each plugin installs and runs on its own,
so neither imports the other (a shared third package for a few lines is not worth its release).
"""

from __future__ import annotations

import re
import typing as t

# Alternatives, left to right: an escaped backslash (kept, so the next "u" is text), a valid
# surrogate pair (kept), a lone surrogate escape (replaced).
_PATTERN = (
    r"(\\\\)"
    r"|(\\u[dD][89abAB][0-9a-fA-F]{2}\\u[dD][c-fC-F][0-9a-fA-F]{2})"
    r"|(\\u[dD][89a-fA-F][0-9a-fA-F]{2})"
)
_TEXT = re.compile(_PATTERN)
_BYTES = re.compile(_PATTERN.encode())
REPLACEMENT_ESCAPE = "\\ufffd"


def repair_lone_surrogates(line: t.Any) -> tuple[t.Any, int]:
    """``line`` (str or bytes) with every lone surrogate escape as ``\\ufffd``, and how many."""
    count = 0
    if isinstance(line, bytes):
        if b"\\u" not in line:
            return line, 0
        replacement_b = REPLACEMENT_ESCAPE.encode()

        def _bytes(match: re.Match[bytes]) -> bytes:
            nonlocal count
            if match.group(3) is None:
                return match.group(0)
            count += 1
            return replacement_b

        return _BYTES.sub(_bytes, line), count
    if "\\u" not in line:
        return line, 0

    def _text(match: re.Match[str]) -> str:
        nonlocal count
        if match.group(3) is None:
            return match.group(0)
        count += 1
        return REPLACEMENT_ESCAPE

    return _TEXT.sub(_text, line), count
