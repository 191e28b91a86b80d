"""The ``tap-clickup-extended`` Singer tap: settings, their validation, the stream registry.

Fatal errors (bad token, unknown workspace, unreachable API, invalid settings) end the
process with exit code 1 and one line ``tap-clickup-extended: error: <message>`` on
stderr, without a traceback; genuine bugs keep theirs.
"""

from __future__ import annotations

import difflib
import functools
import logging
import sys
import time
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlparse

import click
from singer_sdk import Stream, Tap
from singer_sdk import typing as th
from singer_sdk.exceptions import ConfigValidationError
from singer_sdk.helpers.capabilities import PluginCapabilities, TapCapabilities

from tap_clickup_extended import end_of_sync
from tap_clickup_extended.accounting import RunStats
from tap_clickup_extended.client import ClickUpStream
from tap_clickup_extended.config_file import read_config_files
from tap_clickup_extended.errors import ClickUpFatalError, SettingsError, scrub
from tap_clickup_extended.output_closed import stop_on_closed_output
from tap_clickup_extended.rate_limit import RateLimiter
from tap_clickup_extended.run_state import RunState
from tap_clickup_extended.schema import VOLATILE
from tap_clickup_extended.stream_order import run_order
from tap_clickup_extended.streams import discover_stream_types
from tap_clickup_extended.streams.hierarchy_streams import (
    FoldersStream,
    ListsStream,
    SpacesStream,
)
from tap_clickup_extended.streams.task_activity_streams import (
    CommentScansStream,
    CommentsStream,
    TaskStatusHistoryStream,
)
from tap_clickup_extended.streams.task_relationship_streams import TaskRelationshipsStream
from tap_clickup_extended.streams.task_streams import (
    CustomFieldsStream,
    TaskCustomFieldValuesStream,
    TasksStream,
)
from tap_clickup_extended.streams.template_streams import TaskTemplatesStream
from tap_clickup_extended.streams.time_tracking_streams import (
    TimeEntriesStream,
    TimeEntryScansStream,
)
from tap_clickup_extended.streams.workspace_streams import MembersStream, WorkspacesStream

CLI_NAME = "tap-clickup-extended"
DEFAULT_BASE_URL = "https://api.clickup.com/api/v2"
MAX_RESERVE = 0.9
DEFAULT_START_DAYS = 365

#: The curated streams. The order they run in is ``STREAM_TYPES``, derived from what each
#: produces and consumes (``stream_order.py``); this listing only breaks ties.
CORE_STREAM_TYPES: tuple[type[ClickUpStream], ...] = (
    WorkspacesStream,
    MembersStream,
    SpacesStream,
    FoldersStream,
    ListsStream,
    TaskTemplatesStream,
    TasksStream,
    CustomFieldsStream,
    TaskCustomFieldValuesStream,
    TaskRelationshipsStream,
    TaskStatusHistoryStream,
    CommentsStream,
    CommentScansStream,
    TimeEntryScansStream,
    TimeEntriesStream,
)
#: The curated streams and every stream class found in the other ``streams/*_streams.py``
#: modules (``make new-stream`` writes those; see CONTRIBUTING.md), in the order they run:
#: producers of ``RunState`` fields before their consumers, parents before children.
STREAM_TYPES: tuple[type[ClickUpStream], ...] = run_order(
    CORE_STREAM_TYPES + discover_stream_types(CORE_STREAM_TYPES)
)


def validate_settings(config: dict[str, Any]) -> list[str]:
    """Problems with the settings that JSON-schema validation does not catch."""
    problems: list[str] = []
    token = str(config.get("api_token") or "")
    if not token.strip():
        problems.append("api_token is empty: set it (or CLICKUP_API_TOKEN / the Meltano secret).")
    elif token != token.strip() or any(ch.isspace() for ch in token):
        problems.append("api_token contains whitespace: paste the token alone.")
    url = urlparse(str(config.get("base_url") or ""))
    if url.scheme not in {"http", "https"} or not url.netloc:
        problems.append(
            f"base_url must be an http(s) URL such as {DEFAULT_BASE_URL} "
            f"(got {config.get('base_url')!r})."
        )
    reserve = float(config.get("rate_limit_reserve", 0))
    if not 0 <= reserve <= MAX_RESERVE:
        problems.append(f"rate_limit_reserve must be between 0 and {MAX_RESERVE} (got {reserve}).")
    for name in (
        "rate_limit_per_minute",
        "request_timeout_seconds",
        "time_entries_assignee_chunk_size",
    ):
        if float(config.get(name, 1)) <= 0:
            problems.append(f"{name} must be positive (got {config.get(name)}).")
    for name in ("max_retries", "time_entries_lookback_days", "comments_recheck_max_tasks"):
        if int(config.get(name, 0)) < 0:
            problems.append(f"{name} must not be negative (got {config.get(name)}).")
    for team_id in config.get("team_ids") or []:
        if not str(team_id).strip().isdigit():
            problems.append(f"team_ids holds {team_id!r}: workspace ids are numbers.")
    start = config.get("start_date")
    if start:
        try:
            datetime.fromisoformat(str(start).replace("Z", "+00:00"))
        except ValueError:
            problems.append(f"start_date {start!r} is not an ISO-8601 date-time.")
    if config.get("hash_pii") and not config.get("pii_salt"):
        problems.append("hash_pii is on but pii_salt is empty: set a secret salt.")
    return problems


class _SecretFilter(logging.Filter):
    """Replace secrets in every log line (defence in depth: the tap never logs them)."""

    def __init__(self, secrets: tuple[str, ...]) -> None:
        super().__init__()
        self.secrets = secrets

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = scrub(message, self.secrets)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True


class _FatalNoiseFilter(logging.Filter):
    """Drop the log lines that only repeat a fatal error the CLI prints as one line.

    backoff logs "Giving up ..." (always followed by our fatal error) and singer-sdk logs
    "An unhandled error occurred ..." while our fatal error is in flight. Genuine bugs
    keep their lines and tracebacks.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        message = str(record.msg)
        if message.startswith("Giving up") and record.name.startswith(CLI_NAME):
            return False
        in_flight = sys.exc_info()[1]
        return not (
            message.startswith("An unhandled error occurred")
            and isinstance(in_flight, ClickUpFatalError | BrokenPipeError)
        )


class TapClickUpExtended(Tap):
    """Singer tap for ClickUp: hierarchy, tasks, custom-field values, time entries."""

    name = CLI_NAME
    capabilities = [
        PluginCapabilities.ABOUT,
        TapCapabilities.DISCOVER,
        TapCapabilities.CATALOG,
        TapCapabilities.STATE,
        PluginCapabilities.STREAM_MAPS,
        PluginCapabilities.FLATTENING,
    ]

    config_jsonschema = th.PropertiesList(
        th.Property(
            "api_token",
            th.StringType,
            required=True,
            secret=True,
            description="ClickUp personal token (`pk_...`) or OAuth access token (`Bearer ...`).",
        ),
        th.Property(
            "team_ids",
            # Strings in JSON, but Meltano turns `CLICKUP_TEAM_IDS=1,2` into integers.
            th.ArrayType(th.CustomType({"type": ["string", "integer"]})),
            description=(
                "Workspace (team) ids to extract; default every workspace the token sees "
                "(`GET /team`). An id the token cannot see fails the run at once."
            ),
        ),
        th.Property(
            "start_date",
            th.DateTimeType,
            description=(
                "First run only: earliest `date_updated` of tasks (default: all) and start of "
                "the first time-entry window (default: one year ago)."
            ),
        ),
        th.Property(
            "base_url",
            th.StringType,
            default=DEFAULT_BASE_URL,
            description="ClickUp API v2 base URL (the sandbox's is `http://127.0.0.1:PORT/api/v2`).",
        ),
        th.Property(
            "time_entries_lookback_days",
            th.IntegerType,
            default=60,
            description=(
                "Later runs rescan time entries from now minus this many days, to see edits and "
                "deletions (older ones need a run with a longer lookback)."
            ),
        ),
        th.Property(
            "comments_recheck_max_tasks",
            th.IntegerType,
            default=50,
            description=(
                "With the comments stream selected: at most this many unchanged tasks holding "
                "open assigned comments get their comments read again per run (least recently "
                "read first; about one request each), so resolved, reassigned and deleted "
                "comments are seen; 0 turns it off."
            ),
        ),
        th.Property(
            "time_entries_assignee_chunk_size",
            th.IntegerType,
            default=100,
            description="Member ids per `assignee=` parameter of the time-entries request.",
        ),
        th.Property(
            "rate_limit_per_minute",
            th.NumberType,
            default=100,
            description="The token's ClickUp budget in requests a minute (100 / 1,000 / 10,000 by plan).",
        ),
        th.Property(
            "rate_limit_reserve",
            th.NumberType,
            default=0,
            description="Share (0-0.9) of the token's budget left for other consumers (Airbyte).",
        ),
        th.Property(
            "request_timeout_seconds",
            th.NumberType,
            default=60,
            description="Timeout of one request, in seconds.",
        ),
        th.Property(
            "max_retries",
            th.IntegerType,
            default=6,
            description=(
                "Retries after 429, 5xx, timeouts, broken connections and truncated JSON."
            ),
        ),
        th.Property(
            "hash_pii",
            th.BooleanType,
            default=False,
            description=(
                "Emails leave the tap as the SHA-256 hex of `pii_salt` + the lower-cased email."
            ),
        ),
        th.Property(
            "pii_salt",
            th.StringType,
            secret=True,
            description="Secret salt of the email hashes; required when `hash_pii` is on.",
        ),
    ).to_dict()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        #: What the streams of this run share (``run_state.py``); streams read it as ``shared``.
        self.run_state = RunState()
        try:
            super().__init__(*args, **kwargs)
        except ConfigValidationError as exc:
            # singer-sdk would log each error and "Config validation failed": one line instead.
            raise SettingsError(
                "invalid settings: " + "; ".join(exc.errors or [str(exc)]) + "."
            ) from None
        if kwargs.get("validate_config", True):
            problems = validate_settings(dict(self.config))
            if problems:
                raise SettingsError("invalid settings: " + " ".join(problems))
            self._warn_unknown_settings()
        #: Where a first run starts when ``start_date`` is not set: one year ago.
        self.default_start_date = datetime.now(UTC) - timedelta(days=DEFAULT_START_DAYS)
        self.run_stats = RunStats()
        self.rate_limiter = RateLimiter(
            float(self.config["rate_limit_per_minute"]),
            float(self.config["rate_limit_reserve"]),
        )
        secrets = tuple(s for s in (self.config.get("api_token"), self.config.get("pii_salt")) if s)
        for handler in logging.getLogger().handlers:
            handler.addFilter(_SecretFilter(secrets))
            handler.addFilter(_FatalNoiseFilter())

    def _warn_unknown_settings(self) -> None:
        """A setting this tap does not know is most likely a typo (``team_id``): say so."""
        known = set(self.config_jsonschema.get("properties", {}))
        for name in sorted(set(self.config) - known):
            close = difflib.get_close_matches(name, sorted(known), n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            self.logger.warning("Ignoring unknown setting %r%s.", name, hint)

    def setup_mapper(self) -> None:
        """Put our ``x-extras-volatile`` marks back into the schemas the mapper emits.

        singer-sdk builds SCHEMA messages from the catalog, whose round trip keeps only
        standard JSON-schema keywords; the target needs this one (data-contracts §1).
        """
        super().setup_mapper()
        for stream in self.streams.values():
            marked = [n for n, spec in stream.schema["properties"].items() if spec.get(VOLATILE)]
            for stream_map in self.mapper.stream_maps.get(stream.name, []):
                for schema in (stream_map.raw_schema, stream_map.transformed_schema):
                    properties = (schema or {}).get("properties") or {}
                    for name in marked:
                        if name in properties:
                            properties[name][VOLATILE] = True

    def discover_streams(self) -> list[Stream]:
        """Every stream of ``STREAM_TYPES``; the fallback readers of ``RunState`` are wired."""
        streams: list[Stream] = [stream_type(tap=self) for stream_type in STREAM_TYPES]
        by_name = {stream.name: stream for stream in streams}
        self.run_state.is_selected = lambda name: name in by_name and by_name[name].selected
        for stream in streams:
            if isinstance(stream, WorkspacesStream):
                self.run_state.read_team_ids = stream.read_team_ids
            elif isinstance(stream, FoldersStream):
                self.run_state.read_folder_ids = stream.read_folder_ids
        return streams

    @functools.cached_property
    def run_version(self) -> int:
        """The table version of this run's full-table snapshots (ms since the epoch)."""
        return int(time.time() * 1000)

    # singer-sdk marks sync_all and load_streams @final but offers no hook for "after every
    # stream succeeded" or for the stream order; overriding is the only way (both call super()).
    def sync_all(self) -> None:  # type: ignore[misc]
        """Sync every stream; then, only if all succeeded, close the full-table snapshots and
        write the end-of-sync marker (:mod:`.end_of_sync`)."""
        super().sync_all()
        self.log_run_summary()  # after singer-sdk's per-stream cost lines
        for stream in self.streams.values():
            if isinstance(stream, ClickUpStream):  # every stream of STREAM_TYPES is one
                stream.finish_snapshot()
        end_of_sync.write_marker(self)  # the last message: the sync finished

    def load_state(self, state: dict[str, Any]) -> None:
        """singer-sdk's state loading, minus an old end-of-sync marker."""
        super().load_state(end_of_sync.without_marker(state))

    def load_streams(self) -> list[Stream]:  # type: ignore[misc]
        """singer-sdk's streams in ``STREAM_TYPES`` order (producers first), not by name.

        ``workspaces`` must run before the top-level ``tasks`` (its ``GET /team`` names the
        workspaces to read), which alphabetical order would not give.
        """
        order: dict[type[Stream], int] = {t: index for index, t in enumerate(STREAM_TYPES)}
        return sorted(super().load_streams(), key=lambda stream: order[type(stream)])

    def log_run_summary(self) -> None:
        """One line per stream (records, requests, retries, waited seconds) and a total."""
        for line in self.run_stats.summary_lines():
            self.logger.info("Run summary: %s", line)

    @classmethod
    def cb_config(cls, ctx: click.Context, param: click.Option, value: tuple[str, ...]) -> Any:
        """Read ``--config`` files; one that is not a JSON object is one line, exit 1."""
        return read_config_files(CLI_NAME, ctx, value)

    @classmethod
    def invoke(  # type: ignore[override]
        cls,
        *,
        about: bool = False,
        about_format: str | None = None,
        config: Any = None,
        state: Any = None,
        catalog: Any = None,
    ) -> None:
        """Run the sync; fatal errors become one line on stderr and exit code 1."""
        try:
            super().invoke(
                about=about, about_format=about_format, config=config, state=state, catalog=catalog
            )
        except ClickUpFatalError as exc:
            sys.stderr.write(f"{CLI_NAME}: error: {exc}\n")
            sys.stderr.flush()
            sys.exit(1)
        except BrokenPipeError:
            # The reader of our output (the target) is gone: stop at once, quietly.
            stop_on_closed_output(CLI_NAME)
