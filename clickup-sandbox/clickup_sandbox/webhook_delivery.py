"""Signed webhook deliveries, sent from background threads with ClickUp's retry and health rules.

- ``publish`` (called under the app lock right after a change) turns the change's events into
  one delivery per subscribed webhook, optionally duplicated and reordered (rates settable,
  decisions drawn from a generator seeded by the sandbox seed), and queues them. It never sends:
  API requests are never blocked by a slow receiver.
- Worker threads POST each delivery with ``X-Signature`` = hex HMAC-SHA256 of the body keyed
  with the webhook's secret. A non-2xx answer, no answer, or an answer after ``timeout_seconds``
  (7 s) is a failure: the webhook turns ``failing`` and the delivery is retried after
  ``retry_delay_seconds`` (doubling), up to ``max_tries`` (5) tries; then the webhook's
  ``fail_count`` goes up by one and the event is dropped for good. 401 or 410 suspend the webhook
  at once, ``suspend_after`` (100) fails too; a success sets it back to ``active`` with
  ``fail_count`` 0. Suspended or deleted webhooks get nothing.
- The ground truth of every event sent (with its history item ids and its fate) and delivery
  counters are served by the control API.
"""

from __future__ import annotations

import hashlib
import heapq
import hmac
import itertools
import json
import random
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, fields
from typing import Any

from clickup_sandbox.config import SandboxConfig
from clickup_sandbox.model import State, Webhook
from clickup_sandbox.webhook_events import EventBuilder, Snapshot, TaskChange

HISTORY_ID_BASE = 2_800_000_000_000_000_000


@dataclass(slots=True)
class DeliverySettings:
    """Delivery behaviour; every field can be changed at run time through the control API."""

    duplicate_rate: float = 0.0
    reorder_rate: float = 0.0
    timeout_seconds: float = 7.0
    max_tries: int = 5
    retry_delay_seconds: float = 1.0
    suspend_after: int = 100

    def update(self, body: dict[str, Any]) -> None:
        """Apply ``{name: value}`` (validated); raises ValueError naming the bad field."""
        known = {f.name: f.type for f in fields(self)}
        for name, value in body.items():
            if name not in known:
                raise ValueError(f"unknown setting {name!r}; known: {', '.join(known)}")
            number = float(value) if "float" in str(known[name]) else int(value)
            if number < 0 or (name.endswith("_rate") and number > 1):
                raise ValueError(f"{name} out of range")
            if name in ("max_tries", "suspend_after", "timeout_seconds") and number <= 0:
                raise ValueError(f"{name} must be positive")
            setattr(self, name, number)


@dataclass(slots=True)
class SentEvent:
    """Ground truth: one event sent to one webhook, and what became of it."""

    seq: int
    webhook_id: str
    event: str
    task_id: str
    history_item_ids: list[str]
    body_sha256: str
    created_ms: int
    copies: int = 1
    status: str = "pending"  # delivered | dropped | suspended | webhook_deleted
    attempts: int = 0
    successes: int = 0
    open_copies: int = 1
    last_status: int | None = None


@dataclass(order=True, slots=True)
class Job:
    """One copy of a delivery waiting for its next try."""

    due: float
    seq: int
    event: SentEvent = field(compare=False)
    body: bytes = field(compare=False)
    tries: int = field(default=0, compare=False)


class WebhookDispatcher:
    """Queues and sends the deliveries of one sandbox."""

    def __init__(
        self, config: SandboxConfig, lock: Any, state: Callable[[], State], workers: int = 4
    ) -> None:
        self.settings = DeliverySettings(
            duplicate_rate=config.webhook_duplicate_rate,
            reorder_rate=config.webhook_reorder_rate,
            timeout_seconds=config.webhook_timeout_seconds,
            retry_delay_seconds=config.webhook_retry_delay_seconds,
        )
        self.seed = config.seed
        self.lock = lock  # the app lock: guards the state, including webhook health
        self.state = state
        self._cond = threading.Condition()
        self._queue: list[Job] = []
        self._in_flight = 0
        self._running = False
        self._threads: list[threading.Thread] = []
        self._workers = workers
        self._opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        self.reset()

    # ----- lifecycle -----------------------------------------------------------------------------

    def reset(self) -> None:
        """Forget queued deliveries, the ground truth and the counters; reseed."""
        with self._cond:
            self._queue.clear()
            self.rng = random.Random(f"webhooks:{self.seed}")
            self._history_ids = itertools.count(1)
            self._seq = itertools.count(1)
            self.events: list[SentEvent] = []
            self.counters: dict[str, Any] = {
                "events": 0,
                "deliveries_queued": 0,
                "duplicates": 0,
                "reordered": 0,
                "attempts": 0,
                "succeeded": 0,
                "failed_attempts": 0,
                "retries": 0,
                "dropped": 0,
                "suspensions": 0,
                "by_status": {},
            }

    def start(self) -> None:
        """Start the worker threads (idempotent)."""
        with self._cond:
            if self._running:
                return
            self._running = True
        for n in range(self._workers):
            thread = threading.Thread(target=self._work, name=f"webhook-sender-{n}", daemon=True)
            thread.start()
            self._threads.append(thread)

    def stop(self) -> None:
        """Stop the workers (queued deliveries stay unsent)."""
        with self._cond:
            self._running = False
            self._cond.notify_all()
        for thread in self._threads:
            thread.join(timeout=self.settings.timeout_seconds + 1)
        self._threads.clear()

    # ----- publishing (under the app lock) -------------------------------------------------------

    @staticmethod
    def listening(state: State) -> bool:
        """Whether any webhook would receive something (else no snapshot is needed)."""
        return any(h.status != "suspended" for h in state.webhooks.values())

    def snapshot(self, state: State) -> Snapshot | None:
        """The state before a change, when some webhook listens."""
        return Snapshot.take(state) if self.listening(state) else None

    def publish(self, state: State, before: Snapshot | None) -> int:
        """Queue the deliveries of the events between ``before`` and now; how many."""
        if before is None:
            return 0
        with self._cond:
            builder = EventBuilder(state, lambda: str(HISTORY_ID_BASE + next(self._history_ids)))
            changes = builder.changes_since(before)
            jobs = [
                job
                for change in changes
                for name in self._names(change)
                for hook in state.webhooks.values()
                if self._subscribed(state, hook, name, change)
                for job in self._jobs(hook, name, change)
            ]
            jobs = self._reorder(jobs)
            now = time.monotonic()
            for job in jobs:
                job.due, job.seq = now, next(self._seq)
                heapq.heappush(self._queue, job)
            self.counters["deliveries_queued"] += len(jobs)
            self._cond.notify_all()
        if jobs:
            self.start()
        return len(jobs)

    @staticmethod
    def _names(change: TaskChange) -> list[str]:
        if change.event != "taskUpdated" and change.also_task_updated:
            return [change.event, "taskUpdated"]
        return [change.event]

    @staticmethod
    def _subscribed(state: State, hook: Webhook, event: str, change: TaskChange) -> bool:
        if hook.status == "suspended":
            return False
        if "*" not in hook.events and event not in hook.events:
            return False
        lst = state.lists.get(change.list_id)
        if hook.task_id is not None:
            return hook.task_id == change.task_id
        if hook.list_id is not None:
            return hook.list_id == change.list_id
        if lst is None:
            return False
        if hook.folder_id is not None:
            return hook.folder_id == lst.folder_id
        if hook.space_id is not None:
            return hook.space_id == lst.space_id
        return hook.team_id == lst.team_id

    def _jobs(self, hook: Webhook, event: str, change: TaskChange) -> list[Job]:
        payload: dict[str, Any] = {
            "event": event,
            "history_items": change.history_items,
            "task_id": change.task_id,
            "webhook_id": hook.id,
        }
        if event == "taskDeleted":  # the guide's example has no history (docs/clickup-api.md §10)
            del payload["history_items"]
        if change.data is not None:
            payload["data"] = change.data
        body = json.dumps(payload, separators=(",", ":")).encode()
        sent = SentEvent(
            seq=len(self.events) + 1,
            webhook_id=hook.id,
            event=event,
            task_id=change.task_id,
            history_item_ids=[str(item["id"]) for item in change.history_items],
            body_sha256=hashlib.sha256(body).hexdigest(),
            created_ms=int(time.time() * 1000),
        )
        self.events.append(sent)
        self.counters["events"] += 1
        jobs = [Job(0.0, 0, sent, body)]
        if self.rng.random() < self.settings.duplicate_rate:
            sent.copies = sent.open_copies = 2
            self.counters["duplicates"] += 1
            jobs.append(Job(0.0, 0, sent, body))
        return jobs

    def _reorder(self, jobs: list[Job]) -> list[Job]:
        """Permute a random subset of the batch among its own positions."""
        picked = [i for i in range(len(jobs)) if self.rng.random() < self.settings.reorder_rate]
        if len(picked) < 2:
            return jobs
        moved = [jobs[i] for i in picked]
        self.rng.shuffle(moved)
        out = list(jobs)
        for i, job in zip(picked, moved, strict=True):
            out[i] = job
        self.counters["reordered"] += sum(
            1 for i, job in zip(picked, moved, strict=True) if jobs[i] is not job
        )
        return out

    # ----- sending (worker threads) --------------------------------------------------------------

    def _next_job(self) -> Job | None:
        with self._cond:
            while self._running:
                now = time.monotonic()
                if self._queue and self._queue[0].due <= now:
                    self._in_flight += 1
                    return heapq.heappop(self._queue)
                wait = self._queue[0].due - now if self._queue else None
                self._cond.wait(timeout=wait)
            return None

    def _work(self) -> None:
        while (job := self._next_job()) is not None:
            try:
                self._deliver(job)
            finally:
                with self._cond:
                    self._in_flight -= 1
                    self._cond.notify_all()

    def _deliver(self, job: Job) -> None:
        with self.lock, self._cond:
            hook = self.state().webhooks.get(job.event.webhook_id)
            if hook is None or hook.status == "suspended":
                self._close_copy(job, "webhook_deleted" if hook is None else "suspended")
                return
            endpoint, secret = hook.endpoint, hook.secret
        if "://" not in endpoint:
            endpoint = "https://" + endpoint  # ClickUp's rule for URLs without a scheme
        signature = hmac.new(secret.encode(), job.body, hashlib.sha256).hexdigest()
        status, elapsed = self._post(endpoint, job.body, signature)
        ok = status is not None and 200 <= status < 300 and elapsed <= self.settings.timeout_seconds
        with self.lock, self._cond:
            job.tries += 1
            event = job.event
            event.attempts += 1
            event.last_status = status
            self.counters["attempts"] += 1
            key = (
                "timeout"
                if status is None or elapsed > self.settings.timeout_seconds
                else str(status)
            )
            self.counters["by_status"][key] = self.counters["by_status"].get(key, 0) + 1
            if ok:
                self.counters["succeeded"] += 1
                hook.status, hook.fail_count = "active", 0
                event.successes += 1
                self._close_copy(job, "delivered")
                return
            self.counters["failed_attempts"] += 1
            if status in (401, 410):
                self._suspend(hook)
                self._close_copy(job, "suspended")
                return
            if hook.status == "active":
                hook.status = "failing"
            if job.tries < self.settings.max_tries:
                self.counters["retries"] += 1
                job.due = time.monotonic() + self.settings.retry_delay_seconds * 2 ** (
                    job.tries - 1
                )
                heapq.heappush(self._queue, job)
                self._cond.notify_all()
                return
            hook.fail_count += 1
            self.counters["dropped"] += 1
            if hook.fail_count >= self.settings.suspend_after:
                self._suspend(hook)
            self._close_copy(job, "dropped")

    def _suspend(self, hook: Webhook) -> None:
        if hook.status != "suspended":
            hook.status = "suspended"
            self.counters["suspensions"] += 1

    @staticmethod
    def _close_copy(job: Job, outcome: str) -> None:
        event = job.event
        event.open_copies -= 1
        if outcome == "delivered":
            event.status = "delivered"
        elif event.status == "pending" and event.open_copies == 0:
            event.status = outcome

    def _post(self, url: str, body: bytes, signature: str) -> tuple[int | None, float]:
        request = urllib.request.Request(
            url,
            data=body,
            method="POST",
            headers={
                "Content-Type": "application/json",
                "X-Signature": signature,
                "User-Agent": "ClickUp-Sandbox-Webhooks/1.0",
            },
        )
        started = time.monotonic()
        try:
            with self._opener.open(request, timeout=self.settings.timeout_seconds) as response:
                response.read()
                status: int | None = response.status
        except urllib.error.HTTPError as exc:
            status = exc.code
            exc.close()
        except (OSError, ValueError):
            status = None
        return status, time.monotonic() - started

    # ----- control API ---------------------------------------------------------------------------

    def pending(self) -> int:
        """Deliveries queued or being sent."""
        with self._cond:
            return len(self._queue) + self._in_flight

    def wait_idle(self, timeout: float) -> bool:
        """Block until nothing is queued or in flight (tests); whether that happened in time."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while self._queue or self._in_flight:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._cond.wait(timeout=min(left, 0.2))
        return True

    def ground_truth(self) -> dict[str, Any]:
        """``{"events": [...], "pending": n, "settings": {...}}`` for ``GET /_sandbox/webhook_events``."""
        with self._cond:
            events = [
                {k: v for k, v in asdict(e).items() if k != "open_copies"} for e in self.events
            ]
            return {
                "events": events,
                "pending": len(self._queue) + self._in_flight,
                "settings": asdict(self.settings),
            }

    def stats(self) -> dict[str, Any]:
        """Delivery counters for ``GET /_sandbox/stats``."""
        with self._cond:
            return {
                **{k: v for k, v in self.counters.items() if k != "by_status"},
                "by_status": dict(self.counters["by_status"]),
                "pending": len(self._queue) + self._in_flight,
            }
