"""The HTTP layer: a threading stdlib server, fault injection on the raw socket, and
:class:`SandboxServer` for running a sandbox in a background thread.

The standard library's ``http.server`` is used on purpose: resets, truncated bodies and slow
replies need direct control of the connection, which web frameworks hide.
"""

from __future__ import annotations

import logging
import math
import socket
import struct
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from clickup_sandbox import control
from clickup_sandbox.app import UNMATCHED, SandboxApp, encode
from clickup_sandbox.config import SandboxConfig
from clickup_sandbox.faults import FaultRule
from clickup_sandbox.request_log import LoggedRequest
from clickup_sandbox.routes import match

API_PREFIX = "/api/v2"
CONTROL_PREFIX = "/_sandbox"
log = logging.getLogger("clickup_sandbox")

FAULT_STATUS = {
    "http_500": (500, "application/json", encode({"err": "Internal error", "ECODE": "APP_500"})),
    "http_502": (502, "text/html", b"<html><body><h1>502 Bad Gateway</h1></body></html>"),
    "http_503": (
        503,
        "application/json",
        encode({"err": "Service temporarily unavailable", "ECODE": "APP_503"}),
    ),
    "http_404": (
        404,
        "application/json",
        encode({"err": "Task not found, deleted", "ECODE": "ITEM_013"}),
    ),
}


class SandboxHandler(BaseHTTPRequestHandler):
    """Routes /api/v2 to the app (with faults applied) and /_sandbox to the control API."""

    protocol_version = "HTTP/1.1"
    server: SandboxHTTPServer

    def setup(self) -> None:
        super().setup()
        # Headers and body go out in separate writes; without TCP_NODELAY, Nagle's algorithm and
        # delayed ACKs add tens of milliseconds to every response.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def do_GET(self) -> None:
        self._dispatch("GET")

    def do_POST(self) -> None:
        self._dispatch("POST")

    def do_PUT(self) -> None:
        self._dispatch("PUT")

    def do_DELETE(self) -> None:
        self._dispatch("DELETE")

    def log_message(self, format: str, *args: Any) -> None:
        if self.server.app.config.verbose:
            log.info("%s %s", self.address_string(), format % args)

    # ----- plumbing ------------------------------------------------------------------------------

    def _body(self) -> bytes:
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length > 0 else b""

    def _send(
        self,
        status: int,
        payload: bytes,
        headers: dict[str, str] | None = None,
        content_type: str = "application/json",
        cut: bool = False,
        half: bool = False,
    ) -> None:
        if half:
            # Truncated JSON in a complete response: the length says what is sent.
            payload = payload[: len(payload) // 2]
        self.send_response(status)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Type", f"{content_type}; charset=utf-8")
        self.send_header("Content-Length", str(len(payload)))
        if cut:
            self.send_header("Connection", "close")
        self.end_headers()
        if cut:
            # Truncated body: promise the full length, send half of it, hang up.
            self.wfile.write(payload[: len(payload) // 2])
            self.wfile.flush()
            self.close_connection = True
        else:
            self.wfile.write(payload)

    def _reset(self) -> None:
        """Abort the connection with a TCP RST and no response."""
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.close_connection = True
        self.connection.close()

    def _dispatch(self, method: str) -> None:
        split = urlsplit(self.path)
        raw = self._body()
        if split.path.startswith(CONTROL_PREFIX):
            status, body = control.handle(self.server.app, method, split.path, raw)
            self._send(status, encode(body))
        elif split.path == API_PREFIX or split.path.startswith(API_PREFIX + "/"):
            self._api(method, split.path[len(API_PREFIX) :] or "/", split.query, raw)
        else:
            self._send(404, encode({"err": "Route not found", "ECODE": "APP_001"}))

    def _api(self, method: str, path: str, query: str, raw: bytes) -> None:
        app = self.server.app
        auth = self.headers.get("Authorization")
        arrived = time.time()

        def log(status: int | None) -> None:
            entry = LoggedRequest(
                method, API_PREFIX + path, parse_qs(query, keep_blank_values=True), auth, arrived,
                status,
            )  # fmt: skip
            app.requests.record(entry)

        rule = app.faults.match(method, self.path)
        if rule is not None:
            status = self._fault(rule, method, path, auth)
            if status is not False:
                log(status)
                return
        response = app.handle_api(method, path, query, auth, raw)
        cut = rule is not None and rule.kind == "truncate"
        half = rule is not None and rule.kind == "truncate_json"
        app.stats.record(
            response.endpoint,
            response.token,
            response.status,
            throttled=response.throttled,
            fault=cut or half,
        )
        log(response.status)
        self._send(response.status, response.body, response.headers, cut=cut, half=half)

    def _fault(
        self, rule: FaultRule, method: str, path: str, auth: str | None
    ) -> int | bool | None:
        """Apply a fault: the status sent (None: the connection was reset) when the request is
        finished, False when the normal answer follows."""
        app = self.server.app
        found = match(method, path)
        endpoint = found[0].key if found else UNMATCHED
        token = app.rate_key(auth)
        if rule.kind == "slow":
            time.sleep(rule.delay_seconds)
            return False
        if rule.kind in ("truncate", "truncate_json"):
            return False
        if rule.kind == "reset":
            app.stats.record(endpoint, token, None, throttled=False, fault=True)
            self._reset()
            return None
        headers = app.peek_rate(auth).headers()
        if rule.kind == "http_429":
            headers["X-RateLimit-Remaining"] = "0"
            if rule.reset_in_seconds is not None:
                headers["X-RateLimit-Reset"] = str(math.ceil(time.time() + rule.reset_in_seconds))
            app.stats.record(endpoint, token, 429, throttled=True, fault=True)
            self._send(429, encode({"err": "Rate limit reached", "ECODE": "APP_002"}), headers)
            return 429
        status, content_type, payload = FAULT_STATUS[rule.kind]
        app.stats.record(endpoint, token, status, throttled=False, fault=True)
        self._send(status, payload, headers, content_type=content_type)
        return status


class SandboxHTTPServer(ThreadingHTTPServer):
    """A threading HTTP server that carries the sandbox app."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], app: SandboxApp) -> None:
        super().__init__(address, SandboxHandler)
        self.app = app

    def handle_error(self, request: Any, client_address: Any) -> None:
        log.debug("connection error from %s", client_address, exc_info=True)


class SandboxServer:
    """A sandbox served from a background thread: ``SandboxServer(config).start()``."""

    def __init__(self, config: SandboxConfig | None = None) -> None:
        self.config = config or SandboxConfig()
        self.app = SandboxApp(self.config)
        self._httpd: SandboxHTTPServer | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> SandboxServer:
        """Bind (port 0 picks a free one) and serve in a daemon thread."""
        self._httpd = SandboxHTTPServer((self.config.host, self.config.port), self.app)
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, name="clickup-sandbox", daemon=True
        )
        self._thread.start()
        return self

    @property
    def port(self) -> int:
        """The bound port."""
        if self._httpd is None:
            raise RuntimeError("server not started")
        return int(self._httpd.server_address[1])

    @property
    def base_url(self) -> str:
        """``http://host:port`` (control endpoints live under ``/_sandbox``)."""
        return f"http://{self.config.host}:{self.port}"

    @property
    def url(self) -> str:
        """The API base URL, ``http://host:port/api/v2``."""
        return self.base_url + API_PREFIX

    def serve_forever(self) -> None:
        """Serve in the calling thread until :meth:`stop` is called from another one."""
        if self._httpd is None:
            self._httpd = SandboxHTTPServer((self.config.host, self.config.port), self.app)
        self._httpd.serve_forever()

    def stop(self) -> None:
        """Stop serving and close the socket."""
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self.app.webhooks.stop()
        self._httpd = None
        self._thread = None

    def __enter__(self) -> SandboxServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
