"""The ``target-extras`` Singer target: settings, message handling, state after commit.

State safety: singer-sdk only writes STATE from ``drain_all()``, after every sink has handed
over its pending records; batches load on a background thread (:mod:`.batch_pipeline`), and
writing a state first waits until they are committed, so a STATE line on stdout never
precedes the records it covers. On top of that this target drains whenever a STATE arrives and at least
``state_flush_interval_seconds`` have passed, so states flow during long runs, and it drains a
stream's sink before a schema change or ACTIVATE_VERSION so history keeps arrival order.
"""

from __future__ import annotations

import copy
import sys
import time
import typing as t

import click
from singer_sdk import typing as th
from singer_sdk.helpers.capabilities import PluginCapabilities, TargetCapabilities
from singer_sdk.sql import SQLTarget

from target_extras import airbyte_guard
from target_extras.batch_pipeline import BatchPipeline
from target_extras.config_file import read_config_files
from target_extras.connector import DEFAULT_RETRY_SECONDS, ExtrasConnector
from target_extras.end_of_sync import NO_MARKER_REASON, EndOfSync, TapDidNotFinishError
from target_extras.errors import ExtrasError
from target_extras.landing_lock import LandingLock
from target_extras.message_reader import MessageReader
from target_extras.progress import RunProgress
from target_extras.run_log import RunLog
from target_extras.sink import DEFAULT_SCHEMA, ExtrasSink
from target_extras.version_deletes import ensure_version_keys_table

if t.TYPE_CHECKING:
    import psycopg
    from singer_sdk.helpers.capabilities import CapabilitiesEnum

DEFAULT_LOCK_TIMEOUT_SECONDS = 60
FAILED_ROW_MIN_RETRY_SECONDS = 30
DEFAULT_AIRBYTE_SCHEMAS = ["airbyte_raw", "airbyte_internal"]
# Built-in singer-sdk settings this target does not honour: not advertised, so not misleading.
_UNSUPPORTED_BUILTIN_SETTINGS = ("load_method", "add_record_metadata", "hard_delete")

#: What singer-sdk's built-in settings mean for this target (its own texts are generic).
_BUILTIN_DESCRIPTIONS = {
    "validate_records": (
        "JSON Schema validation of each record (Draft 2020-12, formats not checked, like "
        "singer-sdk's; done by jsonschema-rs at about 1 µs a record: keep it on)."
    ),
    "process_activate_version_messages": (
        "Apply ACTIVATE_VERSION messages: keys a complete snapshot did not send are marked "
        "deleted (rows are never removed)."
    ),
}


class TargetExtras(SQLTarget):
    """Lands Singer streams in PostgreSQL as change-only history beside Airbyte's tables."""

    name = "target-extras"
    default_sink_class = ExtrasSink
    message_reader_class = MessageReader

    capabilities: t.ClassVar[list[CapabilitiesEnum]] = [
        PluginCapabilities.ABOUT,
        PluginCapabilities.STREAM_MAPS,
        PluginCapabilities.FLATTENING,
        PluginCapabilities.STRUCTURED_LOGGING,
        PluginCapabilities.ACTIVATE_VERSION,
        TargetCapabilities.VALIDATE_RECORDS,
    ]

    config_jsonschema = th.PropertiesList(
        th.Property(
            "database_url",
            th.StringType,
            required=True,
            secret=True,
            description=(
                "libpq URI of the PostgreSQL database: `postgresql://user:pass@host:5432/db`, "
                "or a unix socket `postgresql://user@/db?host=/socket/dir` (psycopg 3 driver; "
                "the password is never printed)."
            ),
        ),
        th.Property(
            "schema",
            th.StringType,
            default=DEFAULT_SCHEMA,
            description=(
                "Schema of the landing tables, their `__current` views, `_extras_runs`, "
                "`_extras_version_keys` and `_extras_versions`."
            ),
        ),
        th.Property(
            "airbyte_schemas",
            th.ArrayType(th.StringType),
            default=DEFAULT_AIRBYTE_SCHEMAS,
            description="Schemas owned by Airbyte: this target refuses to write into them.",
        ),
        th.Property(
            "batch_size_rows",
            th.IntegerType,
            default=ExtrasSink.MAX_SIZE_DEFAULT,
            description="Records per stream held in memory and loaded in one transaction.",
        ),
        th.Property(
            "state_flush_interval_seconds",
            th.NumberType,
            default=10,
            description=(
                "On a STATE message, commit pending batches and emit the state if this many "
                "seconds passed since the last commit (0: on every STATE message)."
            ),
        ),
        th.Property(
            "database_retry_seconds",
            th.NumberType,
            default=DEFAULT_RETRY_SECONDS,
            description=(
                "How long a lost database connection (a restart, a failover, a network cut) is "
                "retried, with fresh connections and exponential backoff (0.5 s doubling to "
                "8 s), before the run fails; each retry is one log line. The batch, "
                "ACTIVATE_VERSION or run-log write is redone whole, adding nothing twice."
            ),
        ),
        th.Property(
            "lock_timeout_seconds",
            th.NumberType,
            default=DEFAULT_LOCK_TIMEOUT_SECONDS,
            description=(
                "A run holds a lock on its landing schema for its whole duration; a second run "
                "into the same schema waits this long for it, then stops naming the holder."
            ),
        ),
        th.Property(
            "lock_scope",
            th.StringType,
            description=(
                "Narrows the landing lock to one scope, e.g. the workspace id of a parallel "
                "per-workspace job: runs of different scopes load the schema at once, two runs "
                "of one scope do not, a run without a scope excludes all (unset: the schema)."
            ),
        ),
        th.Property(
            "require_end_of_sync_marker",
            th.BooleanType,
            default=False,
            description=(
                "Close the run as `succeeded` only if the input ended after the tap's "
                "end-of-sync marker (a STATE holding `clickup_extras_sync`, sent by "
                "tap-clickup-extended after a complete sync); else the run is `failed` and the "
                "target exits 1. On in meltano.yml; leave off for taps that do not send it."
            ),
        ),
    ).to_dict()

    # The run being executed, so that ``invoke`` can mark it failed: singer-sdk creates the
    # target inside ``invoke`` and does not hand the instance back.
    _current_run: t.ClassVar[TargetExtras | None] = None

    def __init__(self, **kwargs: t.Any) -> None:
        """Validate settings, connect, and open this run's row in the run log."""
        super().__init__(**kwargs)
        self.progress = RunProgress()
        self.pipeline = BatchPipeline()
        self._last_written_state: dict | None = None
        self.end_of_sync = EndOfSync()
        schema = self.config.get("schema", DEFAULT_SCHEMA)
        airbyte_guard.check_schema(
            schema, self.config.get("airbyte_schemas", DEFAULT_AIRBYTE_SCHEMAS), what="the run log"
        )
        connector = t.cast("ExtrasConnector", self.target_connector)
        connector.check_connection()

        def prepare(pg: psycopg.Connection) -> None:
            airbyte_guard.check_schema_catalog(pg, schema, what="the run log")
            pg.execute(f'create schema if not exists "{schema.replace(chr(34), chr(34) * 2)}"')
            ensure_version_keys_table(pg, schema)

        connector.in_transaction(f"preparing schema {schema}", prepare)
        scope = self.config.get("lock_scope") or None
        self.run_log = RunLog(connector, schema, scope)
        timeout = float(self.config.get("lock_timeout_seconds", DEFAULT_LOCK_TIMEOUT_SECONDS))
        self.landing_lock = LandingLock(connector.url, schema, self.run_log.run_id, timeout, scope)
        self._started = False
        self._finished = False

    def _begin_run(self) -> None:
        """At the first message: take the landing lock, then open this run's row.

        Not in ``__init__``: an instance that never reads input (singer-sdk's test runner makes
        some) must not hold the schema's lock.
        """
        if self._started:
            return
        connector = t.cast("ExtrasConnector", self.target_connector)
        schema = self.run_log.schema
        connector.retrying("taking the landing lock", self.landing_lock.acquire)
        connector.after_reconnect(self.landing_lock.ensure)
        abandoned = self.run_log.start()
        self._started = True
        TargetExtras._current_run = self
        for run_id, started_at in abandoned:
            self.logger.warning(
                "run %s (started %s) was still 'running' in %s._extras_runs: its process "
                "died; marked 'abandoned' (its last_state covers only committed rows).",
                run_id,
                started_at,
                schema,
            )
        self.logger.info(
            "target-extras run %s: loading into %s, schema %s.",
            self.run_log.run_id,
            connector.location,
            schema,
        )

    @classmethod
    def cb_config(cls, ctx: click.Context, param: click.Option, value: tuple[str, ...]) -> t.Any:
        """Read ``--config`` files; one that is not a JSON object is one line, exit 1."""
        return read_config_files(cls.name, ctx, value)

    @classmethod
    def append_builtin_config(cls, config_jsonschema: dict) -> None:
        """Add singer-sdk's built-in settings, minus those this target does not read."""
        super().append_builtin_config(config_jsonschema)
        for name in _UNSUPPORTED_BUILTIN_SETTINGS:
            config_jsonschema["properties"].pop(name, None)
        for name, description in _BUILTIN_DESCRIPTIONS.items():
            if name in config_jsonschema["properties"]:
                config_jsonschema["properties"][name]["description"] = description

    # Message handling ----------------------------------------------------------------------

    def _pending_sinks(self) -> list[t.Any]:
        return [s for s in [*self._sinks_to_clear, *self._sinks_active.values()] if s.current_size]

    def _process_state_message(self, message_dict: dict) -> None:
        """Keep the state; commit pending batches and emit it when the interval has passed.

        The tap's end-of-sync marker is noted and removed from the state kept and emitted.
        """
        self._begin_run()
        if "value" in message_dict:
            message_dict["value"] = self.end_of_sync.observe_state(message_dict["value"])
        super()._process_state_message(message_dict)
        interval = float(self.config.get("state_flush_interval_seconds", 10))
        due = time.time() - self._last_full_drain_at >= interval
        if due or not self._pending_sinks():
            # drain_all() loads every pending batch (one commit each), then writes the state.
            self.drain_all()

    def _process_schema_message(self, message_dict: dict) -> None:
        """Load the stream's pending records before its schema changes, to keep arrival order."""
        self._begin_run()
        self.end_of_sync.observe_data()
        stream = message_dict.get("stream")
        maps = self.mapper.stream_maps.get(stream) if stream else None
        if maps and (
            maps[0].raw_schema != message_dict.get("schema")
            or maps[0].raw_key_properties != message_dict.get("key_properties")
        ):
            for stream_map in maps:
                sink = self._sinks_active.get(stream_map.stream_alias)
                if sink is not None:
                    self.drain_one(sink)
        super()._process_schema_message(message_dict)

    def _process_activate_version_message(self, message_dict: dict) -> None:
        """Load the stream's pending records, then apply the version (deletions)."""
        self._begin_run()
        self.end_of_sync.observe_data()
        stream = message_dict["stream"]
        for stream_map in self.mapper.stream_maps.get(stream, []):
            sink = self._sinks_active.get(stream_map.stream_alias)
            if sink is not None:
                self.drain_one(sink)
        super()._process_activate_version_message(message_dict)

    def _process_record_message(self, message_dict: dict) -> None:
        """A record after the end-of-sync marker means the sync is not over."""
        self._begin_run()
        self.end_of_sync.observe_data()
        super()._process_record_message(message_dict)

    def _write_state_message(self, state: dict) -> None:
        """Record the state in the run log, then emit it (everything it covers is committed)."""
        self.pipeline.wait()
        if state == self._last_written_state:
            return
        self.run_log.record_progress(self.progress.snapshot(), state)
        super()._write_state_message(state)
        self._last_written_state = copy.deepcopy(state)

    def process_endofpipe(self) -> None:
        """Load what is left, emit the final state, close the run log, log a summary.

        Raises:
            TapDidNotFinishError: If the end-of-sync marker is required and did not come last
                (everything received is committed and its state emitted all the same).
        """
        self._begin_run()
        super().process_endofpipe()
        self.pipeline.wait()
        if self.config.get("require_end_of_sync_marker") and not self.end_of_sync.seen:
            self._finish(error=NO_MARKER_REASON)
            raise TapDidNotFinishError(NO_MARKER_REASON)
        self._finish()

    def _finish(self, error: str | None = None) -> None:
        if self._finished or not self._started:
            return
        self._finished = True
        self.pipeline.close()
        streams = self.progress.snapshot()
        connector = t.cast("ExtrasConnector", self.target_connector)
        # A failed run's row is worth a wait even with a short retry bound (at least 30 s).
        bound = max(connector.retry_seconds, FAILED_ROW_MIN_RETRY_SECONDS) if error else None
        try:
            self.run_log.finish(streams, error=error, retry_seconds=bound)
        except ExtrasError as exc:
            # The database never came back: the next run marks the row 'abandoned'.
            sys.stderr.write(
                f"target-extras: warning: run {self.run_log.run_id} could not be closed as "
                f"{'failed' if error else 'succeeded'} in _extras_runs ({exc}); the row stays "
                "'running' until the next run marks it 'abandoned'.\n"
            )
            sys.stderr.flush()
        self.landing_lock.release()
        for name, counts in streams.items():
            self.logger.info(
                "summary: stream '%s': %d rows received, %d versions inserted "
                "(%d deletions), %d batches%s.",
                name,
                counts["rows_received"],
                counts["rows_inserted"],
                counts["rows_deleted"],
                counts["batches"],
                _repairs(counts),
            )
        t.cast("ExtrasConnector", self.target_connector).dispose()

    @classmethod
    def invoke(cls, **kwargs: t.Any) -> None:
        """Run the target; if it fails, mark its run as failed in the run log."""
        try:
            super().invoke(**kwargs)
        except BaseException as exc:
            run = cls._current_run
            if run is not None and not run._finished:
                try:
                    run._finish(error=str(exc) or type(exc).__name__)
                except Exception:
                    run.logger.warning("could not mark run %s as failed", run.run_log.run_id)
            raise


def _repairs(counts: dict[str, t.Any]) -> str:
    """The summary's repaired values, if any: ``, 2 NUL removed, 1 surrogate replaced``."""
    parts = []
    if counts.get("nul_characters_removed"):
        parts.append(f"{counts['nul_characters_removed']} NUL characters removed")
    if counts.get("surrogates_replaced"):
        parts.append(f"{counts['surrogates_replaced']} lone surrogates replaced by U+FFFD")
    return "".join(f", {part}" for part in parts)
