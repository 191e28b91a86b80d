"""A real database outage: the receiver answers 503 (nothing stored, ClickUp retries) while
PostgreSQL is stopped, and stores the retried delivery on its own once it is back."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from extras_testkit import StoppablePostgres
from webhook_testkit import Receiver, delivery, rows, wait_for

SECRET = "OUTAGE" + "7" * 40


@pytest.fixture
def postgres() -> Iterator[StoppablePostgres]:
    server = StoppablePostgres()
    yield server
    server.close()


def config(url: str) -> dict:
    return {"database_url": url, "secrets": [SECRET], "database_timeout_seconds": 1.0}


def test_outage_answers_503_then_the_retry_lands(postgres: StoppablePostgres) -> None:
    receiver = Receiver(config(postgres.url))
    try:
        assert receiver.post(delivery("wh-1", "1"), SECRET).status_code == 200
        postgres.stop()

        retried = delivery("wh-1", "2")
        started = time.monotonic()
        answer = receiver.post(retried, SECRET)
        assert answer.status_code == 503, answer.text
        assert time.monotonic() - started < 5.0  # well within ClickUp's 7 s
        health = receiver.health()
        assert health.status_code == 503 and health.json()["database"] == "unreachable"
        assert receiver.post(retried, SECRET).status_code == 503  # still down: still 503
        # A signature that matches no configured secret might match one stored in the database:
        # it cannot be judged now, and a 401 would make ClickUp suspend the webhook at once.
        assert receiver.post(retried, "maybe-a-stored-secret").status_code == 503

        postgres.start()
        # ClickUp retries the same delivery; the receiver reconnects by itself.
        assert wait_for(lambda: receiver.post(retried, SECRET).status_code == 200, timeout=20)
        assert receiver.health().status_code == 200
        stored = rows(postgres.url, "clickup_extras")
        assert [r["history_item_ids"] for r in stored] == [["1"], ["2"]]  # 503s stored nothing
        lines = receiver.access_lines()
        assert {line["status"] for line in lines} == {200, 503}
    finally:
        receiver.stop()


def test_start_while_the_database_is_down(postgres: StoppablePostgres) -> None:
    postgres.stop()
    receiver = Receiver(config(postgres.url))
    try:
        assert "database unreachable at start-up" in receiver.stderr
        assert receiver.post(delivery("wh-2", "1"), SECRET).status_code == 503
        postgres.start()
        assert wait_for(lambda: receiver.post(delivery("wh-2", "1"), SECRET).status_code == 200)
        assert len(rows(postgres.url, "clickup_extras")) == 1  # table created once it could be
    finally:
        receiver.stop()
