"""Logging as one JSON object per line on stderr, with secrets redacted from every line.

Access lines carry ``msg: "request"`` and the request's fields (method, path, status, ms, bytes,
remote, webhook_id, event, delivery_id, secret_id, repaired, reason); other lines carry ``msg`` and any
extra fields. Signatures, secrets and bodies are never logged; as a last line of defence every
formatted line has the configured secret values replaced by ``***``.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import sys
import typing as t
from collections.abc import Iterable

ACCESS = logging.getLogger("clickup_webhook_receiver.access")
_STANDARD = set(logging.makeLogRecord({}).__dict__) | {"message", "asctime", "taskName"}


class JsonLineFormatter(logging.Formatter):
    """``{"ts", "level", "logger", "msg", ...extra}`` on one line, sensitive values masked."""

    def __init__(self, sensitive: Iterable[str] = ()) -> None:
        super().__init__()
        self.sensitive = sorted({s for s in sensitive if s and len(s) >= 4}, key=len, reverse=True)

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, t.Any] = {
            "ts": dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname.lower(),
            "logger": record.name,
            "msg": record.getMessage(),
        }
        for key, value in record.__dict__.items():
            if key not in _STANDARD and not key.startswith("_"):
                line[key] = value
        if record.exc_info and record.levelno >= logging.ERROR:
            exc = record.exc_info[1]
            line["error"] = f"{type(exc).__name__}: {exc}"
            line["traceback"] = self.formatException(record.exc_info)  # still one JSON line
        text = json.dumps(line, default=str, ensure_ascii=False)
        for secret in self.sensitive:
            if secret in text:
                text = text.replace(secret, "***")
        return text


def configure(sensitive: Iterable[str] = (), level: int = logging.INFO) -> JsonLineFormatter:
    """Send every log record (ours, uvicorn's, psycopg's) to stderr as JSON lines."""
    formatter = JsonLineFormatter(sensitive)
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(formatter)
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
    for noisy in ("psycopg.pool", "uvicorn.error"):
        logging.getLogger(noisy).setLevel(max(level, logging.WARNING))
    return formatter


def add_sensitive(values: Iterable[str]) -> None:
    """Mask more values (secrets loaded from the database after start-up)."""
    for handler in logging.getLogger().handlers:
        formatter = handler.formatter
        if isinstance(formatter, JsonLineFormatter):
            merged = {*formatter.sensitive, *(v for v in values if v and len(v) >= 4)}
            formatter.sensitive = sorted(merged, key=len, reverse=True)


def access(**fields: t.Any) -> None:
    """Log one request (fields with None values are left out)."""
    ACCESS.info("request", extra={k: v for k, v in fields.items() if v is not None})
