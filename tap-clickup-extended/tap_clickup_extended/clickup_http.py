"""What every ClickUp API v2 client of ours shares: auth, rate-limit headers, error text.

The tap (``client.py``, ``rate_limit.py``) and the webhook receiver's management command
(``clickup_webhook_receiver.clickup_api``) both read ClickUp through these functions, so a
reading of ClickUp's HTTP conventions (docs/clickup-api.md §1, §2) lives in one place:

- ``auth_headers``: the token goes raw in ``Authorization`` (no ``Bearer``), never in the URL;
- ``reset_epoch`` / ``seconds_until_reset``: ``X-RateLimit-Reset`` is epoch seconds, and a
  value above a hundred times the clock is read as epoch milliseconds (the unit is
  undocumented); a value in the past (e.g. a seconds-to-wait count) means "now";
- ``classify``: what a status asks of the caller (go on, wait for the reset, back off, fail);
- ``error_body`` / ``error_text`` / ``scrub``: ClickUp's ``err``/``ECODE`` and messages
  without secrets.

Only ``requests`` types; no singer-sdk, so the receiver imports it without the tap's runtime.
"""

from __future__ import annotations

import enum
import math
import typing as t
from collections.abc import Iterable, Mapping

import requests

REDACTED = "***"
HTTP_TOO_MANY_REQUESTS = 429
#: ``X-RateLimit-Reset`` values above ``now * MS_FACTOR_THRESHOLD`` are epoch milliseconds.
MS_FACTOR_THRESHOLD = 100


def auth_headers(token: str, user_agent: str) -> dict[str, str]:
    """The headers of every request: the raw token in ``Authorization``, JSON, our agent."""
    return {
        "Authorization": token,
        "Content-Type": "application/json",
        "User-Agent": user_agent,
    }


def header_number(headers: Mapping[str, str], name: str) -> float | None:
    """A header as a finite number, or ``None`` when absent or not a number."""
    raw = headers.get(name)
    if raw is None:
        return None
    try:
        value = float(raw)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def reset_epoch(headers: Mapping[str, str], now: float) -> float | None:
    """When the rate-limit window resets (epoch seconds), from ``X-RateLimit-Reset``.

    The unit is undocumented (docs/clickup-api.md §2): a value larger than ``now * 100`` can
    only be milliseconds and is divided by 1000; anything else is taken as epoch seconds.
    """
    reset = header_number(headers, "X-RateLimit-Reset")
    if reset is None:
        return None
    return reset / 1000 if reset > now * MS_FACTOR_THRESHOLD else reset


def seconds_until_reset(
    headers: Mapping[str, str], now: float, *, margin: float, max_wait: float
) -> float | None:
    """Seconds to wait for the reset plus ``margin``, at most ``max_wait`` (``None``: no reset)."""
    reset = reset_epoch(headers, now)
    if reset is None:
        return None
    return min(max(reset - now, 0.0) + margin, max_wait)


class Disposition(enum.Enum):
    """What a response's status asks of the caller."""

    OK = "ok"
    #: 429: wait until the window resets, then try again.
    RATE_LIMITED = "rate_limited"
    #: 5xx: a server-side failure; back off and try again.
    RETRY = "retry"
    #: Any other 4xx: the request is wrong (token, workspace, body); trying again cannot help.
    FAIL = "fail"


def classify(status: int) -> Disposition:
    """The ``Disposition`` of an HTTP status."""
    if status == HTTP_TOO_MANY_REQUESTS:
        return Disposition.RATE_LIMITED
    if status >= 500:
        return Disposition.RETRY
    if status >= 400:
        return Disposition.FAIL
    return Disposition.OK


def scrub(text: str, secrets: Iterable[str | None]) -> str:
    """Return ``text`` with every non-empty secret replaced by ``***``."""
    for secret in secrets:
        if secret:
            text = text.replace(secret, REDACTED)
    return text


def error_body(response: requests.Response) -> dict[str, t.Any]:
    """The JSON object of an error response (``{"err": ..., "ECODE": ...}``), else ``{}``."""
    try:
        body = response.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


def error_text(response: requests.Response, secrets: Iterable[str | None] = ()) -> str:
    """``err (ECODE)`` of an error response, else its reason phrase; ``secrets`` scrubbed."""
    body = error_body(response)
    if "err" in body or "ECODE" in body:
        text = f"{body.get('err', '')} ({body.get('ECODE', '')})".strip()
    else:
        text = response.reason or ""
    return scrub(text, secrets)
