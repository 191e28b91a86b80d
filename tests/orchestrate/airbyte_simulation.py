"""A simulated Airbyte: a sync writing an Airbyte-shaped table, and a fake Airbyte API."""

from __future__ import annotations

import json
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import psycopg

RAW_TABLE = "airbyte_internal.clickup_raw__stream_tasks"


@contextmanager
def airbyte_sync(database_url: str, seconds: float, every: float = 0.3) -> Iterator[dict]:
    """Insert a row into Airbyte's raw-table layout every ``every`` s for ``seconds`` s.

    Yields a dict whose ``ended_at`` (epoch seconds) is set when the last row was written.
    """
    with psycopg.connect(database_url, autocommit=True) as connection:
        connection.execute("create schema if not exists airbyte_internal")
        connection.execute(
            f"create table if not exists {RAW_TABLE} (_airbyte_raw_id uuid primary key, "
            "_airbyte_data jsonb, _airbyte_extracted_at timestamptz, "
            "_airbyte_loaded_at timestamptz)"
        )
    status: dict = {"ended_at": None, "rows": 0}
    stop = threading.Event()

    def write() -> None:
        deadline = time.monotonic() + seconds
        with psycopg.connect(database_url, autocommit=True) as connection:
            while time.monotonic() < deadline and not stop.is_set():
                connection.execute(
                    f"insert into {RAW_TABLE} values (%s, %s, now(), null)",
                    (uuid.uuid4(), json.dumps({"id": status["rows"]})),
                )
                status["rows"] += 1
                time.sleep(every)
        status["ended_at"] = time.time()

    writer = threading.Thread(target=write, daemon=True)
    writer.start()
    try:
        yield status
    finally:
        stop.set()
        writer.join(30)


class FakeAirbyteApi:
    """``GET /v1/jobs`` answering a running job while ``running`` is set; bearer ``token``."""

    def __init__(self, token: str) -> None:
        self.running = threading.Event()
        self.requests = 0
        api = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                api.requests += 1
                if self.headers.get("Authorization") != f"Bearer {token}":
                    self.send_response(401)
                    self.end_headers()
                    return
                status = (
                    self.path.split("status=")[1].split("&")[0] if "status=" in self.path else ""
                )
                jobs = (
                    [{"jobId": 42, "status": "running", "jobType": "sync", "connectionId": "c1"}]
                    if api.running.is_set() and status == "running"
                    else []
                )
                body = json.dumps({"data": jobs}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def __enter__(self) -> FakeAirbyteApi:
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
