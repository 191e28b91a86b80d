"""A recording webhook endpoint for the sandbox delivery tests: a real HTTP server on 127.0.0.1
whose answer to each delivery (status, delay) is chosen by a function the test sets."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

Reply = Callable[[int, dict[str, Any]], tuple[int, float]]


@dataclass
class Hit:
    """One delivery attempt as received."""

    body: bytes
    signature: str | None
    headers: dict[str, str]
    status: int

    @property
    def json(self) -> dict[str, Any]:
        return json.loads(self.body)


@dataclass
class Recorder:
    """Collects attempts; ``reply(n, body)`` gives (status, delay seconds) for attempt n (0-based)."""

    reply: Reply = lambda n, body: (200, 0.0)
    hits: list[Hit] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        assert self.server is not None
        return f"http://127.0.0.1:{self.server.server_port}/hook"

    def start(self) -> Recorder:
        recorder = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                with recorder.lock:
                    n = len(recorder.hits)
                    status, delay = recorder.reply(n, json.loads(raw))
                    recorder.hits.append(
                        Hit(raw, self.headers.get("X-Signature"), dict(self.headers), status)
                    )
                if delay:
                    time.sleep(delay)
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()

    def ok_bodies(self) -> list[bytes]:
        with self.lock:
            return [h.body for h in self.hits if 200 <= h.status < 300]
