"""The sink of one stream: turns records into staged rows and loads each batch.

A batch is held in memory as compact tuples (at most ``batch_size_rows`` of them), then loaded
in one transaction by :mod:`target_extras.copy_loader`.
"""

from __future__ import annotations

import time
import typing as t
import uuid

from singer_sdk.sql import SQLSink

from target_extras import airbyte_guard, type_mapping
from target_extras.connector import ExtrasConnector
from target_extras.copy_loader import StagedRow, load_batch
from target_extras.errors import InvalidRecordError, SchemaEvolutionError
from target_extras.landing_table import LandingTable, ensure_landing_table, wanted_columns
from target_extras.record_hash import NulCounter, canonical_value, record_hash, to_json
from target_extras.version_deletes import (
    delete_missing_keys,
    remember_staged_keys,
    version_was_seen,
)

if t.TYPE_CHECKING:
    from collections.abc import Sequence

    from singer_sdk.target_base import Target

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
        super().__init__(target, stream_name, schema, key_properties, connector)
        self.landing = LandingTable(
            stream=stream_name,
            schema=self.config.get("schema", DEFAULT_SCHEMA),
            table=stream_name,
            key_properties=list(key_properties or []),
        )
        self._hashed: list[str] = []
        self._converters: list[t.Callable[[t.Any], t.Any]] = []

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
        """Check the Airbyte guard, then create or evolve the landing table and its view."""
        landing = self.landing
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
        with self.connector.transaction() as pg:
            airbyte_guard.check_table(pg, landing.schema, landing.table, stream=landing.stream)
            ensure_landing_table(pg, landing, wanted)
        properties = self.schema.get("properties", {})
        self._hashed = [
            name
            for name, prop in properties.items()
            if not type_mapping.is_singer_metadata(name) and not type_mapping.is_volatile(prop)
        ]
        self._converters = [_converter(pg_type) for pg_type in landing.columns.values()]

    # Records -----------------------------------------------------------------------------

    def process_record(self, record: dict, context: dict) -> None:
        """Canonicalise, hash and stage one record in the pending batch."""
        rows: list[StagedRow] = context.setdefault("rows", [])
        nul: NulCounter = context.setdefault("nul", NulCounter())
        extracted_at = record.get(_EXTRACTED_AT)
        version = record.get(_TABLE_VERSION)
        canonical = {
            name: canonical_value(value, nul)
            for name, value in record.items()
            if not name.startswith(type_mapping.SINGER_METADATA_PREFIX)
        }
        for key in self.landing.key_properties:
            if canonical.get(key) is None:
                msg = f"stream '{self.stream_name}': a record has a null key property '{key}'."
                raise InvalidRecordError(msg)
        values = tuple(
            convert(canonical.get(name))
            for name, convert in zip(self.landing.columns, self._converters, strict=True)
        )
        rows.append(
            (
                *values,
                extracted_at,
                record_hash(canonical, self._hashed),
                len(rows),
                version,
            )
        )

    def process_batch(self, context: dict) -> None:
        """Load the pending batch in one transaction and log what it changed."""
        rows: list[StagedRow] = context.get("rows", [])
        if not rows:
            return
        started = time.monotonic()
        batch_id = uuid.uuid4()
        with self.connector.transaction() as pg:
            inserted = load_batch(pg, self.landing, rows, batch_id)
            if any(row[-1] is not None for row in rows):
                remember_staged_keys(pg, self.landing)
        nul: NulCounter | None = context.get("nul")
        removed = nul.removed if nul else 0
        totals = self._progress.add(
            self.stream_name,
            rows_received=len(rows),
            rows_inserted=inserted,
            batches=1,
            nul_characters_removed=removed,
        )
        if removed:
            self.logger.warning(
                "stream '%s': removed %d NUL characters (\\u0000) from string values "
                "(PostgreSQL text and jsonb cannot store them).",
                self.stream_name,
                removed,
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
        context["rows"] = []

    # ACTIVATE_VERSION ----------------------------------------------------------------------

    def activate_version(self, new_version: int) -> None:
        """Mark keys missing from a completed table version as deleted.

        The target drains this sink before calling, so every record of the version is stored.
        """
        if not self.landing.key_properties:
            self.logger.info(
                "stream '%s': ACTIVATE_VERSION %s accepted; the stream has no key properties, "
                "so deletions cannot be detected.",
                self.stream_name,
                new_version,
            )
            return
        with self.connector.transaction() as pg:
            if not version_was_seen(pg, self.landing, new_version):
                self.logger.info(
                    "stream '%s': ACTIVATE_VERSION %s announces a version (no records of it yet).",
                    self.stream_name,
                    new_version,
                )
                return
            deleted = delete_missing_keys(pg, self.landing, new_version, uuid.uuid4())
        self._progress.add(self.stream_name, rows_deleted=deleted, rows_inserted=deleted)
        self.logger.info(
            "stream '%s': version %s complete; %d keys missing from it marked deleted.",
            self.stream_name,
            new_version,
            deleted,
        )


def _converter(pg_type: str) -> t.Callable[[t.Any], t.Any]:
    """How a canonical value is written into a COPY text row for a column type."""
    if pg_type == type_mapping.JSONB:
        return _to_jsonb
    if pg_type == type_mapping.TEXT:
        return _to_text
    return _identity


def _identity(value: t.Any) -> t.Any:
    return value


def _to_jsonb(value: t.Any) -> str | None:
    return None if value is None else to_json(value)


def _to_text(value: t.Any) -> t.Any:
    return to_json(value) if isinstance(value, dict | list) else value
