"""Fault injection rules for the API: 5xx, 429, slow replies, truncated bodies, connection resets."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

KINDS = ("http_500", "http_502", "http_503", "http_429", "slow", "truncate", "reset")


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
            )
        except (TypeError, ValueError) as exc:
            raise FaultRuleError(f"bad rule value: {exc}") from exc
        if rule.count < 1 or rule.every < 1 or rule.delay_seconds < 0 or rule.after < 0:
            raise FaultRuleError("count and every must be >= 1, delay_seconds and after >= 0")
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
