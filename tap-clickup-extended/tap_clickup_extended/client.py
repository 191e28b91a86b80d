"""The one HTTP path of the tap: ``ClickUpStream``, the base of every stream.

It owns authentication, the shared rate limiter, retries, error classification, JSON
parsing and request accounting, all through singer-sdk's hooks:

- ``request_decorator`` wraps singer-sdk's retrying request with the rate limiter (before
  every attempt) and turns "gave up" into one fatal line;
- ``validate_response`` feeds every response's rate-limit headers to the limiter and
  classifies it: 429/5xx/invalid JSON retriable, 400/401/403 fatal at once, 404 skipped
  where a stream tolerates it;
- ``backoff_wait_generator`` (via ``backoff_runtime``) waits until ``X-RateLimit-Reset``
  after a 429 and uses exponential backoff with jitter otherwise, bounded by
  ``max_retries``.
"""

from __future__ import annotations

import inspect
import itertools
import json
import random
import re
from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import TYPE_CHECKING, Any, ClassVar, cast
from urllib.parse import parse_qs, urlparse

import requests
from singer_sdk import RESTStream
from singer_sdk.exceptions import RetriableAPIError
from singer_sdk.helpers.jsonpath import extract_jsonpath
from singer_sdk.pagination import BaseAPIPaginator

from tap_clickup_extended.accounting import StreamStats
from tap_clickup_extended.clickup_http import auth_headers, error_body
from tap_clickup_extended.conversions import hash_email
from tap_clickup_extended.errors import (
    GaveUpError,
    UnreachableError,
    client_error,
    scrub,
)
from tap_clickup_extended.fields import declaration
from tap_clickup_extended.pagination import ArchivedPassPaginator, PassPage
from tap_clickup_extended.run_state import ClickUpRun, RunState
from tap_clickup_extended.surrogates import repair_lone_surrogates

if TYPE_CHECKING:
    from backoff.types import Details
    from singer_sdk.helpers.types import Context

    from tap_clickup_extended.rate_limit import RateLimiter

PROGRESS_EVERY_REQUESTS = 25
MAX_BACKOFF_SECONDS = 60.0
TEAM_IN_PATH = re.compile(r"/team/([^/?]+)")


def declared_replication_key(stream_type: type[RESTStream[Any]]) -> str | None:
    """The replication key a stream class declares, ``None`` for full-table streams.

    On the class, singer-sdk's ``replication_key`` is a property object (always true), and
    only streams that set ``replication_key = "..."`` replace it with a string.
    """
    declared = inspect.getattr_static(stream_type, "replication_key", None)
    return declared if isinstance(declared, str) and declared else None


class RateLimitedError(RetriableAPIError):
    """HTTP 429: retried after ``X-RateLimit-Reset``."""


class InvalidBodyError(RetriableAPIError):
    """A 2xx response whose body is not complete JSON (truncated or garbled)."""


class ClickUpStream(RESTStream[Any]):
    """Base stream: ClickUp API v2 with a personal or OAuth token."""

    #: Key of the record array in the response body (``{"spaces": [...]}``).
    records_key = ""
    #: Read the endpoint twice, ``archived=false`` then ``archived=true``.
    archived_passes = False
    #: Page size of ``page``-numbered endpoints (``None``: one request per pass).
    page_size: int | None = None
    #: A 404 means the object vanished mid-run: skip it (count it) instead of failing.
    tolerate_not_found = False
    #: False for streams whose sync is a partial view (lookback windows, changed tasks):
    #: they must never send ACTIVATE_VERSION, or the target would delete unseen keys.
    emits_complete_snapshot = True
    #: The ``RunState`` fields this stream writes and reads (``stream_order.py`` orders by them).
    produces: ClassVar[frozenset[str]] = frozenset()
    consumes: ClassVar[frozenset[str]] = frozenset()

    @property
    def records_jsonpath(self) -> str:
        """The array named by ``records_key``, or the whole body when it is a list."""
        return f"$.{self.records_key}[*]" if self.records_key else "$[*]"

    def get_new_paginator(self) -> BaseAPIPaginator[Any] | None:
        """Two ``archived`` passes (paged or not) where the stream asks for them."""
        if not self.archived_passes:
            return None
        return ArchivedPassPaginator(self.records_key, self.page_size)

    def get_url_params(self, context: Context | None, next_page_token: Any) -> dict[str, Any]:
        """``archived`` (and ``page``) from the paginator's token."""
        params: dict[str, Any] = {}
        if isinstance(next_page_token, PassPage):
            params["archived"] = "true" if next_page_token.archived else "false"
            if self.page_size is not None:
                params["page"] = next_page_token.page
        return params

    @staticmethod
    def requested_archived(response: requests.Response) -> bool:
        """Whether the request that produced ``response`` asked for ``archived=true``."""
        query = parse_qs(urlparse(response.request.url or "").query)
        return query.get("archived", ["false"])[0] == "true"

    @property
    def url_base(self) -> str:
        """``base_url`` without a trailing slash."""
        return str(self.config["base_url"]).rstrip("/")

    @property
    def http_headers(self) -> dict[str, str]:
        """The token goes raw in ``Authorization`` (docs/clickup-api.md §1), never in the URL."""
        return auth_headers(self.config["api_token"], self.user_agent)

    @property
    def timeout(self) -> int:
        """``request_timeout_seconds``."""
        return int(self.config["request_timeout_seconds"])

    @property
    def emit_activate_version_messages(self) -> bool:
        """Off: singer-sdk announces a version at the start of every context of a child stream,
        after the records of earlier contexts, which would make the target delete the keys of
        the contexts still to come. ``finish_snapshot`` sends one after the whole run instead.
        """
        return False

    @property
    def is_complete_snapshot(self) -> bool:
        """Full table, with no incremental or partial stream above it: a run sees every key."""
        stream_type: type[ClickUpStream] | None = type(self)
        while stream_type is not None:
            if declared_replication_key(stream_type) or not stream_type.emits_complete_snapshot:
                return False
            # Every parent stream of ours is a ClickUpStream.
            stream_type = cast("type[ClickUpStream] | None", stream_type.parent_stream_type)
        return True

    def carries_run_version(self) -> bool:
        """Whether the records emitted from now on carry the run's table version."""
        return self.is_complete_snapshot

    def finish_snapshot(self) -> None:
        """After a complete run: ACTIVATE_VERSION, so the target marks unseen keys deleted."""
        if self.selected and self.is_complete_snapshot:
            self._write_activate_version_message(self.clickup_tap.run_version)

    @property
    def clickup_tap(self) -> ClickUpRun:
        """The tap that owns this stream: its run-wide accounting, limiter and version."""
        return cast("ClickUpRun", self._tap)

    @property
    def shared(self) -> RunState:
        """What the streams of this run share (``run_state.py``): write what you produce."""
        return self.clickup_tap.run_state

    @property
    def stats(self) -> StreamStats:
        """This stream's counters in the run's accounting."""
        return self.clickup_tap.run_stats.for_stream(self.name)

    @property
    def limiter(self) -> RateLimiter:
        """The rate limiter shared by every stream of the run (one per token)."""
        return self.clickup_tap.rate_limiter

    # Requests, retries and accounting

    def request_decorator(self, func: Callable) -> Callable:
        """Throttle every attempt, retry through singer-sdk, end with one fatal line."""

        def throttled(prepared: requests.PreparedRequest, context: Context | None) -> Any:
            self.stats.waited_seconds += self.limiter.acquire()
            self.stats.requests += 1
            if self.stats.requests % PROGRESS_EVERY_REQUESTS == 0:
                self.logger.info("Progress: %s", self.stats.line(self.name))
            return func(prepared, context)

        retrying = super().request_decorator(throttled)

        def guarded(prepared: requests.PreparedRequest, context: Context | None) -> Any:
            tries = self.backoff_max_tries()
            try:
                return retrying(prepared, context)
            except RetriableAPIError as exc:
                raise GaveUpError(
                    f"ClickUp kept failing for {self._path_of(prepared.url)} after {tries} "
                    f"tries ({self._secret_free(str(exc))}); try again later or raise "
                    "max_retries."
                ) from exc
            except (requests.exceptions.ConnectionError, ConnectionResetError) as exc:
                if isinstance(exc, requests.exceptions.Timeout):
                    raise self._unreachable(prepared, tries, "timed out") from exc
                raise self._unreachable(prepared, tries, "is unreachable") from exc
            except requests.exceptions.Timeout as exc:
                raise self._unreachable(prepared, tries, "timed out") from exc
            except requests.exceptions.RequestException as exc:
                raise GaveUpError(
                    f"ClickUp sent broken responses for {self._path_of(prepared.url)} after "
                    f"{tries} tries ({type(exc).__name__})."
                ) from exc

        return guarded

    def _unreachable(
        self, prepared: requests.PreparedRequest, tries: int, what: str
    ) -> UnreachableError:
        host = urlparse(prepared.url or "").netloc
        return UnreachableError(
            f"The ClickUp API at {host} {what} after {tries} tries: check the base_url setting "
            "and that the service is up and reachable from here."
        )

    @staticmethod
    def _path_of(url: str | None) -> str:
        return urlparse(url or "").path

    def _secret_free(self, text: str) -> str:
        return scrub(text, (self.config.get("api_token"), self.config.get("pii_salt")))

    def backoff_max_tries(self) -> int:
        """One try plus ``max_retries`` retries."""
        return int(self.config["max_retries"]) + 1

    def backoff_jitter(self, value: float) -> float:
        """No extra jitter: ``_retry_delay`` adds it, except to the exact wait after a 429."""
        return value

    def backoff_wait_generator(self) -> Any:
        """Waits chosen per failure by ``_retry_delay`` (singer-sdk's ``backoff_runtime``)."""
        attempts = itertools.count(1)
        return self.backoff_runtime(value=lambda exc: self._retry_delay(exc, next(attempts)))

    def _retry_delay(self, exc: BaseException, attempt: int) -> float:
        if isinstance(exc, RateLimitedError) and exc.response is not None:
            return self.limiter.seconds_until_reset(exc.response.headers)
        ceiling = min(MAX_BACKOFF_SECONDS, 2.0 ** (attempt - 1))
        return random.uniform(ceiling / 2, ceiling)

    def backoff_handler(self, details: Details) -> None:
        """Count the retry and the wait; log one line without secrets."""
        wait = float(details.get("wait") or 0.0)
        self.stats.retries += 1
        self.stats.waited_seconds += wait
        exc = details.get("exception")
        reason = str(exc) if isinstance(exc, RetriableAPIError) else type(exc).__name__
        self.logger.warning(
            "%s: try %d failed (%s); retrying in %.1f s",
            self.name,
            details.get("tries", 0),
            self._secret_free(reason),
            wait,
        )

    def validate_response(self, response: requests.Response) -> None:
        """Learn the rate-limit headers, classify the status, parse the JSON once."""
        self.limiter.observe(response.headers, response.status_code)
        status = response.status_code
        path = self._path_of(response.url)
        if status == 429:
            raise RateLimitedError(f"HTTP 429 rate limited on {path}", response)
        if status >= 500:
            raise RetriableAPIError(f"HTTP {status} on {path}", response)
        if status == 404 and self.tolerate_not_found:
            self.stats.skipped_not_found += 1
            self.logger.warning("%s: %s vanished (HTTP 404); skipped", self.name, path)
            response.clickup_json = {}  # type: ignore[attr-defined]
            return
        if status >= 400:
            body = self._error_body(response)
            match = TEAM_IN_PATH.search(path)
            raise client_error(
                status,
                str(body.get("ECODE") or ""),
                self._secret_free(str(body.get("err") or "")),
                path,
                match.group(1) if match else None,
                self.shared.visible_team_ids,
            )
        content, replaced = repair_lone_surrogates(response.content)
        if replaced:
            self.stats.surrogates_replaced += replaced
            self.logger.warning(
                "%s: replaced %d lone UTF-16 surrogates (\\ud800-\\udfff without their pair) "
                "by U+FFFD in the response of %s.",
                self.name,
                replaced,
                path,
            )
        try:
            response.clickup_json = json.loads(content, parse_float=Decimal)  # type: ignore[attr-defined]
        except ValueError as exc:
            raise InvalidBodyError(
                f"HTTP {status} on {path} with truncated or invalid JSON", response
            ) from exc

    @staticmethod
    def _error_body(response: requests.Response) -> dict[str, Any]:
        return error_body(response)

    def parse_response(self, response: requests.Response) -> Iterable[dict]:
        """Records at ``records_jsonpath`` of the body parsed in ``validate_response``."""
        yield from extract_jsonpath(self.records_jsonpath, input=response.clickup_json)  # type: ignore[attr-defined]

    # Records

    def post_process(self, row: dict, context: Context | None = None) -> dict | None:
        """Shape the record (``transform_record`` + declared mechanical fields); count and version it."""
        record = self.transform_record(row, context)
        declared = declaration(self.name)
        if record is not None and declared is not None:
            record = declared.complete(record, row)
        if record is not None and self.selected:
            self.stats.records += 1
            # singer-sdk writes the record next, with ``_stream_version`` as its version.
            if self._stream_version is None and self.carries_run_version():
                self._stream_version = self.clickup_tap.run_version
        return record

    def transform_record(self, row: dict, context: Context | None) -> dict | None:
        """Map one API object to the contract's record (``None`` drops it)."""
        return row

    def email(self, value: Any) -> str | None:
        """An email as the tap emits it: SHA-256 with ``pii_salt`` when ``hash_pii``."""
        if not value:
            return None
        if self.config.get("hash_pii"):
            return hash_email(str(value), str(self.config.get("pii_salt") or ""))
        return str(value)
