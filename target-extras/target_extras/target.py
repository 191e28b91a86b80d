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
import time
import typing as t

import click
from singer_sdk import typing as th
from singer_sdk.helpers.capabilities import PluginCapabilities, TargetCapabilities
from singer_sdk.sql import SQLTarget

from target_extras import airbyte_guard
from target_extras.batch_pipeline import BatchPipeline
from target_extras.config_file import read_config_files
from target_extras.connector import ExtrasConnector
from target_extras.message_reader import MessageReader
from target_extras.progress import RunProgress
from target_extras.run_log import RunLog
from target_extras.sink import DEFAULT_SCHEMA, ExtrasSink
from target_extras.version_deletes import ensure_version_keys_table

if t.TYPE_CHECKING:
    from singer_sdk.helpers.capabilities import CapabilitiesEnum

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
        schema = self.config.get("schema", DEFAULT_SCHEMA)
        airbyte_guard.check_schema(
            schema, self.config.get("airbyte_schemas", DEFAULT_AIRBYTE_SCHEMAS), what="the run log"
        )
        connector = t.cast("ExtrasConnector", self.target_connector)
        connector.check_connection()
        with connector.transaction() as pg:
            airbyte_guard.check_schema_catalog(pg, schema, what="the run log")
            pg.execute(f'create schema if not exists "{schema.replace(chr(34), chr(34) * 2)}"')
            ensure_version_keys_table(pg, schema)
        self.run_log = RunLog(connector, schema)
        self.run_log.start()
        self._finished = False
        TargetExtras._current_run = self
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
        """Keep the state; commit pending batches and emit it when the interval has passed."""
        super()._process_state_message(message_dict)
        interval = float(self.config.get("state_flush_interval_seconds", 10))
        due = time.time() - self._last_full_drain_at >= interval
        if due or not self._pending_sinks():
            # drain_all() loads every pending batch (one commit each), then writes the state.
            self.drain_all()

    def _process_schema_message(self, message_dict: dict) -> None:
        """Load the stream's pending records before its schema changes, to keep arrival order."""
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
        stream = message_dict["stream"]
        for stream_map in self.mapper.stream_maps.get(stream, []):
            sink = self._sinks_active.get(stream_map.stream_alias)
            if sink is not None:
                self.drain_one(sink)
        super()._process_activate_version_message(message_dict)

    def _write_state_message(self, state: dict) -> None:
        """Record the state in the run log, then emit it (everything it covers is committed)."""
        self.pipeline.wait()
        if state == self._last_written_state:
            return
        self.run_log.record_progress(self.progress.snapshot(), state)
        super()._write_state_message(state)
        self._last_written_state = copy.deepcopy(state)

    def process_endofpipe(self) -> None:
        """Load what is left, emit the final state, close the run log, log a summary."""
        super().process_endofpipe()
        self.pipeline.wait()
        self._finish()

    def _finish(self, error: str | None = None) -> None:
        if self._finished:
            return
        self._finished = True
        self.pipeline.close()
        streams = self.progress.snapshot()
        self.run_log.finish(streams, error=error)
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
