"""Fault injection rules for the API: 5xx, 404, 429, slow replies, truncated bodies, resets.

Kinds (each answers as ClickUp does, with ``{"err", "ECODE"}`` bodies and the X-RateLimit-*
headers of the request's token):

- ``http_500``, ``http_503``: ClickUp's JSON error bodies; ``http_502``: a proxy's HTML page;
- ``http_404``: ``{"err": "Task not found, deleted", "ECODE": "ITEM_013"}``, what ClickUp answers
  for a task deleted since the client listed it;
- ``http_429``: ``X-RateLimit-Remaining: 0`` and the window's reset, or ``reset_in_seconds``
  from now (``X-RateLimit-Reset`` in epoch seconds, rounded up) when the rule sets it;
- ``slow``: the normal answer after ``delay_seconds``;
- ``truncate``: the headers promise the whole body, half of it is sent, the connection closes;
- ``truncate_json``: a complete 200 response whose body is the first half of the JSON;
- ``reset``: a TCP reset, no response.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

KINDS = (
    "http_500",
    "http_502",
    "http_503",
    "http_404",
    "http_429",
    "slow",
    "truncate",
    "truncate_json",
    "reset",
)


class FaultRuleError(ValueError):
    """A fault rule in a control request is malformed."""


@dataclass(slots=True)
class FaultRule:
    """Fail ``count`` matching requests (every ``every``-th match after the first ``after``)."""

    path_contains: str
    kind: str
    count: int = 1
    every: int = 1
    delay_seconds: float = 1.0
    method: str | None = None
    after: int = 0
    #: ``http_429`` only: X-RateLimit-Reset this many seconds from now instead of the window's.
    reset_in_seconds: float | None = None
    seen: int = 0
    fired: int = 0

    @classmethod
    def from_json(cls, raw: Any) -> FaultRule:
        """Validate one rule of ``{"rules": [...]}``."""
        if not isinstance(raw, dict):
            raise FaultRuleError("each rule must be an object")
        kind = raw.get("kind")
        if kind not in KINDS:
            raise FaultRuleError(f"kind must be one of {', '.join(KINDS)}")
        try:
            rule = cls(
                path_contains=str(raw.get("path_contains", "")),
                kind=kind,
                count=int(raw.get("count", 1)),
                every=int(raw.get("every", 1)),
                delay_seconds=float(raw.get("delay_seconds", 1.0)),
                method=(str(raw["method"]).upper() if raw.get("method") else None),
                after=int(raw.get("after", 0)),
                reset_in_seconds=(
                    None if raw.get("reset_in_seconds") is None else float(raw["reset_in_seconds"])
                ),
            )
        except (TypeError, ValueError) as exc:
            raise FaultRuleError(f"bad rule value: {exc}") from exc
        if rule.count < 1 or rule.every < 1 or rule.delay_seconds < 0 or rule.after < 0:
            raise FaultRuleError("count and every must be >= 1, delay_seconds and after >= 0")
        if rule.reset_in_seconds is not None and (
            rule.kind != "http_429" or rule.reset_in_seconds < 0
        ):
            raise FaultRuleError("reset_in_seconds is for http_429 rules only, and >= 0")
        return rule

    def as_json(self) -> dict[str, Any]:
        """The rule and its progress, for GET /_sandbox/faults."""
        return {
            "path_contains": self.path_contains,
            "kind": self.kind,
            "count": self.count,
            "every": self.every,
            "delay_seconds": self.delay_seconds,
            "method": self.method,
            "after": self.after,
            "reset_in_seconds": self.reset_in_seconds,
            "fired": self.fired,
        }


class FaultInjector:
    """An ordered list of rules; the first live matching rule decides a request's fate."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._rules: list[FaultRule] = []

    def add(self, rules: list[FaultRule]) -> None:
        """Append rules after the existing ones."""
        with self._lock:
            self._rules.extend(rules)

    def clear(self) -> None:
        """Drop every rule."""
        with self._lock:
            self._rules.clear()

    def rules(self) -> list[dict[str, Any]]:
        """The rules still pending."""
        with self._lock:
            return [r.as_json() for r in self._rules]

    def match(self, method: str, target: str) -> FaultRule | None:
        """The rule that fires for this request (consuming one of its shots), or None."""
        with self._lock:
            for rule in self._rules:
                if rule.path_contains not in target:
                    continue
                if rule.method is not None and rule.method != method:
                    continue
                rule.seen += 1
                if rule.seen <= rule.after or (rule.seen - rule.after) % rule.every != 0:
                    return None
                rule.fired += 1
                if rule.fired >= rule.count:
                    self._rules.remove(rule)
                return rule
            return None
