"""The receiver's command and the tap read ``X-RateLimit-Reset`` the same way (one function).

A real HTTP server on 127.0.0.1 answers one 429 with a given reset header, then 200. The
receiver's ``ClickUpClient`` records the wait it sleeps; the tap's ``RateLimiter``, with the same
clock, margin and bound, is asked how long that 429 must wait. Both must equal the expected
wait for epoch seconds, epoch milliseconds, a seconds-to-wait count (read as an epoch in the
past: retry at once) and a value between 1e11 and a hundred times the clock, which the
receiver's own copy (``reset > 1e11``) used to read as milliseconds and the tap as seconds.
"""

from __future__ import annotations

import http.server
import json
import threading
from collections.abc import Iterator

import pytest
import requests
from clickup_webhook_receiver.clickup_api import (
    MAX_RATE_LIMIT_WAIT_SECONDS,
    RESET_MARGIN_SECONDS,
    UNKNOWN_RESET_WAIT_SECONDS,
    ClickUpClient,
)
from clickup_webhook_receiver.errors import ClickUpApiError
from tap_clickup_extended.clickup_http import reset_epoch
from tap_clickup_extended.rate_limit import RateLimiter

NOW = 1_780_000_000.0  # 2026-05-28, epoch seconds
TOKEN = "pk_secret_token_1"


class Script:
    """What the server answers next: a list of ``(status, headers, body)``."""

    def __init__(self) -> None:
        self.answers: list[tuple[int, dict[str, str], dict]] = []
        self.seen_auth: list[str | None] = []


@pytest.fixture
def server() -> Iterator[tuple[str, Script]]:
    script = Script()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            script.seen_auth.append(self.headers.get("Authorization"))
            status, headers, body = script.answers.pop(0)
            data = json.dumps(body).encode()
            self.send_response(status)
            for name, value in {**headers, "Content-Type": "application/json"}.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args: object) -> None:
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/api/v2", script
    finally:
        httpd.shutdown()
        httpd.server_close()


CASES = {
    # header value → the wait both must choose
    "epoch seconds": (str(NOW + 30), 30 + RESET_MARGIN_SECONDS),
    "epoch milliseconds": (str(int((NOW + 30) * 1000)), 30 + RESET_MARGIN_SECONDS),
    "seconds to wait": ("30", RESET_MARGIN_SECONDS),
    "between 1e11 and now*100": ("150000000000", MAX_RATE_LIMIT_WAIT_SECONDS),
    "past epoch seconds": (str(NOW - 5), RESET_MARGIN_SECONDS),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_tap_and_receiver_wait_the_same(server: tuple[str, Script], case: str) -> None:
    base_url, script = server
    header, expected = CASES[case]
    script.answers = [
        (429, {"X-RateLimit-Reset": header, "X-RateLimit-Remaining": "0"}, {"err": "Rate"}),
        (200, {}, {"webhooks": [{"id": "w1"}]}),
    ]
    slept: list[float] = []
    client = ClickUpClient(TOKEN, base_url, sleep=slept.append, clock=lambda: NOW)
    assert client.list_webhooks("9012") == [{"id": "w1"}]
    assert client.rate_limit_waits == 1
    assert slept == [pytest.approx(expected)]

    limiter = RateLimiter(
        100,
        clock=lambda: NOW,
        sleep=lambda _: None,
        reset_margin=RESET_MARGIN_SECONDS,
        max_reset_wait=MAX_RATE_LIMIT_WAIT_SECONDS,
    )
    tap_wait = limiter.seconds_until_reset({"X-RateLimit-Reset": header})
    assert tap_wait == pytest.approx(expected) == slept[0]
    assert script.seen_auth == [TOKEN, TOKEN]  # the raw token, no "Bearer"


def test_reset_epoch_units() -> None:
    assert reset_epoch({"X-RateLimit-Reset": str(NOW + 30)}, NOW) == NOW + 30
    assert reset_epoch({"X-RateLimit-Reset": str((NOW + 30) * 1000)}, NOW) == NOW + 30
    assert reset_epoch({"X-RateLimit-Reset": "150000000000"}, NOW) == 150_000_000_000
    assert reset_epoch({"X-RateLimit-Reset": "soon"}, NOW) is None
    assert reset_epoch({"X-RateLimit-Reset": "nan"}, NOW) is None
    assert reset_epoch({}, NOW) is None


def test_receiver_without_reset_header_waits_a_second(server: tuple[str, Script]) -> None:
    base_url, script = server
    script.answers = [(429, {}, {"err": "Rate"}), (200, {}, {"webhooks": []})]
    slept: list[float] = []
    client = ClickUpClient(TOKEN, base_url, sleep=slept.append, clock=lambda: NOW)
    assert client.list_webhooks("9012") == []
    assert slept == [UNKNOWN_RESET_WAIT_SECONDS]


def test_error_text_is_secret_free(server: tuple[str, Script]) -> None:
    base_url, script = server
    script.answers = [(401, {}, {"err": f"Token invalid: {TOKEN}", "ECODE": "OAUTH_025"})]
    client = ClickUpClient(TOKEN, base_url, sleep=lambda _: None, clock=lambda: NOW)
    with pytest.raises(ClickUpApiError) as caught:
        client.list_webhooks("9012")
    message = str(caught.value)
    assert message == "GET /team/9012/webhook: HTTP 401 Token invalid: *** (OAUTH_025)"
    assert TOKEN not in message


def test_requests_response_headers_are_what_both_read(server: tuple[str, Script]) -> None:
    """``requests`` hands both readers a case-insensitive mapping: a lower-case header counts."""
    base_url, script = server
    script.answers = [(200, {"x-ratelimit-reset": str(NOW + 7)}, {})]
    response = requests.get(base_url + "/team", timeout=5)
    assert reset_epoch(response.headers, NOW) == NOW + 7
