"""The sink of one stream: turns records into staged rows and loads each batch.

A batch is held in memory as compact tuples (at most ``batch_size_rows`` of them), then loaded
in one transaction by :mod:`target_extras.copy_loader`.
"""

from __future__ import annotations

import time
import typing as t
import uuid

import psycopg
import sqlalchemy as sa
from singer_sdk.sql import SQLSink

from target_extras import airbyte_guard, type_mapping
from target_extras.connector import ExtrasConnector, first_lines
from target_extras.copy_loader import StagedRow, load_batch
from target_extras.errors import BatchRejectedError, ConnectionFailedError, SchemaEvolutionError
from target_extras.landing_table import LandingTable, ensure_landing_table, wanted_columns
from target_extras.message_reader import NUL_COUNT_KEY, SURROGATE_COUNT_KEY
from target_extras.record_validator import RecordValidator
from target_extras.staging import RowStager
from target_extras.stream_names import check_stream_name
from target_extras.version_deletes import (
    delete_missing_keys,
    newer_version_activated,
    remember_staged_keys,
    version_was_seen,
)

if t.TYPE_CHECKING:
    from collections.abc import Sequence

    from singer_sdk.sinks.core import BaseJSONSchemaValidator
    from singer_sdk.target_base import Target

    from target_extras.batch_pipeline import BatchPipeline
    from target_extras.progress import RunProgress

DEFAULT_SCHEMA = "clickup_extras"
_EXTRACTED_AT = "_sdc_extracted_at"
_TABLE_VERSION = "_sdc_table_version"


class ExtrasSink(SQLSink[ExtrasConnector]):
    """Loads one stream into ``<schema>.<stream>`` as change-only history."""

    connector_class = ExtrasConnector

    def __init__(
        self,
        target: Target,
        stream_name: str,
        schema: dict,
        key_properties: Sequence[str] | None,
        connector: ExtrasConnector | None = None,
    ) -> None:
        """Create the sink; the landing table is prepared in :meth:`setup`."""
        self._progress: RunProgress = target.progress  # type: ignore[attr-defined]
        self._pipeline: BatchPipeline = target.pipeline  # type: ignore[attr-defined]
        super().__init__(target, stream_name, schema, key_properties, connector)
        self.landing = LandingTable(
            stream=stream_name,
            schema=self.config.get("schema", DEFAULT_SCHEMA),
            table=stream_name,
            key_properties=list(key_properties or []),
        )
        self._stager: RowStager | None = None

    @property
    def include_sdc_metadata_properties(self) -> bool:
        """Always on: the record's ``time_extracted`` and table ``version`` travel this way.

        ``_sdc_*`` properties never become columns and are never hashed.
        """
        return True

    @property
    def key_properties(self) -> Sequence[str]:
        """Key properties exactly as the tap named them (no name conforming)."""
        return self._key_properties

    def setup(self) -> None:
        """Check the Airbyte guard, then create or evolve the landing table and its view.

        Batches still loading (of an earlier schema of the stream) are committed first.
        """
        self._pipeline.wait()
        landing = self.landing
        check_stream_name(landing.stream)
        airbyte_guard.check_schema(
            landing.schema,
            self.config.get("airbyte_schemas", []),
            what=f"stream '{landing.stream}'",
        )
        wanted = wanted_columns(self.schema)
        missing_keys = [k for k in landing.key_properties if k not in wanted]
        if missing_keys:
            msg = (
                f"stream '{landing.stream}': key properties {missing_keys} are not in the "
                "stream's schema."
            )
            raise SchemaEvolutionError(msg)

        def prepare(pg: psycopg.Connection) -> None:
            airbyte_guard.check_schema_catalog(
                pg, landing.schema, what=f"stream '{landing.stream}'"
            )
            airbyte_guard.check_table(pg, landing.schema, landing.table, stream=landing.stream)
            ensure_landing_table(pg, landing, wanted)

        self.connector.in_transaction(f"preparing the table of stream '{landing.stream}'", prepare)
        properties = self.schema.get("properties", {})
        hashed = {
            name
            for name, prop in properties.items()
            if not type_mapping.is_singer_metadata(name) and not type_mapping.is_volatile(prop)
        }
        self._stager = RowStager(landing.stream, landing.columns, hashed, landing.key_properties)

    # Records -----------------------------------------------------------------------------

    def get_validator(self) -> BaseJSONSchemaValidator | None:
        """jsonschema-rs: the same Draft 2020-12 check as singer-sdk's, much faster."""
        if self.validate_schema:
            return RecordValidator(self.schema, self.stream_name)
        return None

    def _add_sdc_metadata_to_record(self, record: dict, message: dict, context: dict) -> None:
        """Keep only what the landing needs from the message: time_extracted and version.

        singer-sdk's version adds seven ``_sdc_*`` values (two of them fresh timestamps) to
        every record; this target never stores them.
        """
        record[_EXTRACTED_AT] = message.get("time_extracted")
        record[_TABLE_VERSION] = message.get("version")
        removed = message.get(NUL_COUNT_KEY)
        if removed:
            context["nul_removed"] = context.get("nul_removed", 0) + removed
        replaced = message.get(SURROGATE_COUNT_KEY)
        if replaced:
            context["surrogates_replaced"] = context.get("surrogates_replaced", 0) + replaced

    def _validate_and_parse(self, record: dict) -> dict:
        """Validate (unless ``validate_records`` is off); date-times are parsed when staging."""
        if self._validator is not None:
            self._validator.validate(record)
        return record

    def process_record(self, record: dict, context: dict) -> None:
        """Canonicalise, hash and stage one record in the pending batch."""
        rows = context.get("rows")
        if rows is None:
            rows = context["rows"] = []
        if self._stager is None:  # set by the SCHEMA message that precedes every record
            raise RuntimeError(f"stream {self.stream_name}: record before its schema")
        values, digest = self._stager.stage(record)
        values.append(record.get(_EXTRACTED_AT))
        values.append(digest)
        values.append(len(rows))
        values.append(record.get(_TABLE_VERSION))
        rows.append(values)

    def process_batch(self, context: dict) -> None:
        """Hand the pending batch to the loader thread (see :mod:`target_extras.batch_pipeline`)."""
        rows: list[StagedRow] = context.get("rows", [])
        if not rows:
            return
        removed = context.get("nul_removed", 0)
        replaced = context.get("surrogates_replaced", 0)
        context["rows"] = []
        self._pipeline.submit(lambda: self._load(rows, removed, replaced))

    def _load(self, rows: list[StagedRow], removed: int, replaced: int = 0) -> None:
        """Load one batch in one transaction and log what it changed (on the loader thread)."""
        started = time.monotonic()
        batch_id = uuid.uuid4()

        def load(pg: psycopg.Connection) -> int:
            # Idempotent: after a commit that went through just before the connection dropped,
            # the retry finds every observation stored and inserts nothing.
            inserted = load_batch(pg, self.landing, rows, batch_id)
            if any(row[-1] is not None for row in rows):
                remember_staged_keys(pg, self.landing)
            return inserted

        try:
            inserted = self.connector.in_transaction(
                f"loading a batch of {len(rows)} records of stream '{self.stream_name}'", load
            )
        except psycopg.errors.DataError as exc:
            where = f" ({exc.diag.context.strip()[:200]})" if exc.diag.context else ""
            msg = (
                f"stream '{self.stream_name}': PostgreSQL rejected a value of the batch: "
                f"{exc.diag.message_primary}{where}; nothing of this batch of {len(rows)} "
                "records was stored. Fix the value in the tap and rerun."
            )
            raise BatchRejectedError(" ".join(msg.split())) from None
        except (psycopg.OperationalError, sa.exc.OperationalError) as exc:
            cause = exc.orig if isinstance(exc, sa.exc.DBAPIError) else exc
            reason = first_lines(cause or exc, self.connector.url.password)
            msg = (
                f"stream '{self.stream_name}': PostgreSQL at {self.connector.location} stopped "
                f"a batch ({reason}); nothing of this batch was stored. Rerun from the last "
                "state once the cause is fixed."
            )
            raise ConnectionFailedError(msg) from None
        totals = self._progress.add(
            self.stream_name,
            rows_received=len(rows),
            rows_inserted=inserted,
            batches=1,
            nul_characters_removed=removed,
            surrogates_replaced=replaced,
        )
        if removed:
            self.logger.warning(
                "stream '%s': removed %d NUL characters (\\u0000) from string values "
                "(PostgreSQL text and jsonb cannot store them).",
                self.stream_name,
                removed,
            )
        if replaced:
            self.logger.warning(
                "stream '%s': replaced %d lone UTF-16 surrogates (\\ud800-\\udfff without "
                "their pair) by U+FFFD in string values (UTF-8 and PostgreSQL cannot store them).",
                self.stream_name,
                replaced,
            )
        self.logger.info(
            "stream '%s': batch of %d rows received, %d changed versions inserted in %.3fs "
            "(run total: %d received, %d inserted).",
            self.stream_name,
            len(rows),
            inserted,
            time.monotonic() - started,
            totals.rows_received,
            totals.rows_inserted,
        )

    # ACTIVATE_VERSION ----------------------------------------------------------------------

    def activate_version(self, new_version: int) -> None:
        """Mark keys missing from a completed table version as deleted.

        The target drains this sink before calling; waiting for the loader makes sure every
        record of the version is stored.
        """
        self._pipeline.wait()
        if not self.landing.key_properties:
            self.logger.info(
                "stream '%s': ACTIVATE_VERSION %s accepted; the stream has no key properties, "
                "so deletions cannot be detected.",
                self.stream_name,
                new_version,
            )
            return

        def activate(pg: psycopg.Connection) -> int | str:
            # Idempotent: a committed activation forgets the version's keys, so its retry
            # finds the version unseen and deletes nothing more.
            if not version_was_seen(pg, self.landing, new_version):
                return "unseen"
            if newer_version_activated(pg, self.landing, new_version):
                return "stale"
            return delete_missing_keys(pg, self.landing, new_version, uuid.uuid4())

        deleted = self.connector.in_transaction(
            f"applying ACTIVATE_VERSION {new_version} of stream '{self.stream_name}'", activate
        )
        if deleted == "unseen":
            self.logger.info(
                "stream '%s': ACTIVATE_VERSION %s announces a version (no records of it yet).",
                self.stream_name,
                new_version,
            )
            return
        if deleted == "stale":
            self.logger.info(
                "stream '%s': ACTIVATE_VERSION %s is older than a version already "
                "activated (a replay); nothing deleted.",
                self.stream_name,
                new_version,
            )
            return
        deleted = t.cast("int", deleted)
        self._progress.add(self.stream_name, rows_deleted=deleted, rows_inserted=deleted)
        self.logger.info(
            "stream '%s': version %s complete; %d keys missing from it marked deleted.",
            self.stream_name,
            new_version,
            deleted,
        )
