"""Helpers of the webhook tests: the receiver as a real subprocess, signed posts, table reads."""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
import typing as t
from pathlib import Path

import psycopg
import requests

WEBHOOKS_EXE = Path(sys.executable).with_name("clickup-webhooks")


def sign(body: bytes, secret: str) -> str:
    """ClickUp's X-Signature."""
    return hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def delivery(webhook_id: str, item_id: str, event: str = "taskUpdated", **extra: t.Any) -> bytes:
    """A ClickUp-shaped delivery body."""
    body = {
        "event": event,
        "history_items": [{"id": item_id, "type": 1, "date": "1700000000000", "field": "status",
                           "parent_id": "900", "data": {}, "source": None, "user": {"id": 1},
                           "before": {"status": "open"}, "after": {"status": "done"}}],
        "task_id": "86abc",
        "webhook_id": webhook_id,
        **extra,
    }  # fmt: skip
    return json.dumps(body).encode()


class Receiver:
    """``clickup-webhooks serve`` in a subprocess, its stderr collected."""

    def __init__(self, config: dict[str, t.Any], env: dict[str, str] | None = None) -> None:
        handle, name = tempfile.mkstemp(prefix="hooks-", suffix=".json")
        os.close(handle)
        self.config_path = Path(name)
        self.config_path.write_text(json.dumps({"host": "127.0.0.1", "port": 0, **config}))
        clean = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL"}}
        clean = {k: v for k, v in clean.items() if not k.startswith(("CLICKUP_", "PG"))}
        self.proc = subprocess.Popen(
            [str(WEBHOOKS_EXE), "serve", "--config", str(self.config_path)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env={**clean, **(env or {})},
        )
        self._stderr: list[str] = []
        self._reader = threading.Thread(target=self._drain, daemon=True)
        self._reader.start()
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline()
        if "ready:" not in line:
            self.proc.wait(timeout=10)
            raise RuntimeError(f"receiver did not start: {line!r} {self.stderr}")
        self.url = line.split("ready:", 1)[1].strip()
        self.base = self.url.rsplit("/", 1)[0]
        self.session = requests.Session()

    def _drain(self) -> None:
        assert self.proc.stderr is not None
        for line in self.proc.stderr:
            self._stderr.append(line)

    @property
    def stderr(self) -> str:
        return "".join(self._stderr)

    def post(
        self, body: bytes, secret: str | None, signature: str | None = None, **headers: str
    ) -> requests.Response:
        """POST a delivery signed with ``secret`` (or with the given signature)."""
        sent = {"Content-Type": "application/json", **headers}
        if signature is not None or secret is not None:
            sent["X-Signature"] = signature if signature is not None else sign(body, secret or "")
        return self.session.post(self.url, data=body, headers=sent, timeout=15)

    def health(self) -> requests.Response:
        return self.session.get(self.base + "/health", timeout=15)

    def access_lines(self) -> list[dict[str, t.Any]]:
        lines = [json.loads(x) for x in self.stderr.splitlines() if x.startswith("{")]
        return [x for x in lines if x.get("msg") == "request"]

    def access_lines_after(
        self, seen: int, count: int, timeout: float = 10.0
    ) -> list[dict[str, t.Any]]:
        """The ``count`` access lines logged after the first ``seen``, waiting for them to arrive.

        The server writes a request's line after its response is sent and a thread reads stderr,
        so the last line can land a moment after the client got its answer.
        """
        deadline = time.monotonic() + timeout
        while True:
            lines = self.access_lines()[seen:]
            if len(lines) >= count or time.monotonic() > deadline:
                return lines[:count]
            time.sleep(0.05)

    def stop(self) -> None:
        self.session.close()
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self._reader.join(timeout=5)
        self.config_path.unlink(missing_ok=True)


def rows(database_url: str, schema: str, where: str = "true", params: t.Any = None) -> list[dict]:
    """Rows of ``<schema>.webhook_deliveries`` as dicts, in delivery order."""
    with psycopg.connect(database_url, autocommit=True) as conn:
        cur = conn.execute(
            f'select * from "{schema}".webhook_deliveries where {where} order by delivery_id',
            params,
        )
        names = [c.name for c in cur.description or []]
        return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]


def wait_for(predicate: t.Callable[[], bool], timeout: float = 20.0, step: float = 0.1) -> bool:
    """Poll until ``predicate()`` holds; whether it did in time."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(step)
    return predicate()
