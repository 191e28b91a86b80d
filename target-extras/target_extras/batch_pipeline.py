"""Loads batches on one background thread, so reading the next batch overlaps the database.

Reading, validating and staging records is Python work on the main thread; loading a batch
(COPY, then the set-based insert) is mostly waiting for PostgreSQL, which runs on another
core. One worker thread loads the batches, one at a time and in the order they were handed
over; at most one batch is loading while the next one fills, so memory stays bounded by about
two batches per stream.

Everything that must follow the loads waits for them first (:meth:`BatchPipeline.wait`):
writing a STATE message (so a state never covers an uncommitted record), DDL for a schema
change, ACTIVATE_VERSION and the end of the run. A load that failed raises its error at the
next wait. The standard library's executor is used; no home-made thread handling.
"""

from __future__ import annotations

import threading
import typing as t
from concurrent.futures import Future, ThreadPoolExecutor


class BatchPipeline:
    """A single loader thread with at most one batch in flight."""

    def __init__(self) -> None:
        """Start the (lazy) worker."""
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="extras-load")
        self._lock = threading.Lock()
        self._in_flight: Future[t.Any] | None = None

    def submit(self, load: t.Callable[[], t.Any]) -> None:
        """Wait for the batch in flight (raising its error), then start loading this one."""
        with self._lock:
            self._wait_locked()
            self._in_flight = self._executor.submit(load)

    def wait(self) -> None:
        """Block until the batch in flight is committed; raise the error if it failed."""
        with self._lock:
            self._wait_locked()

    def _wait_locked(self) -> None:
        in_flight, self._in_flight = self._in_flight, None
        if in_flight is not None:
            in_flight.result()

    def close(self) -> None:
        """Wait for the last load (its error, if any, is not raised) and stop the worker."""
        with self._lock:
            in_flight, self._in_flight = self._in_flight, None
        if in_flight is not None:
            in_flight.exception()
        self._executor.shutdown(wait=True)
