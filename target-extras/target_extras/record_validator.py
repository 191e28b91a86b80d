"""JSON Schema validation of records with jsonschema-rs (the same check, about 100x faster).

singer-sdk validates every record with the ``jsonschema`` package's Draft 2020-12 validator,
formats not checked; that was most of this target's per-record cost. jsonschema-rs is a
complete JSON Schema implementation (Rust, maintained, passes the official test suite): the
same draft, the same ``validate_formats=False``, the schema checked against its meta-schema
first. Date-time strings are parsed by the sink, which stages them for ``timestamptz``.
"""

from __future__ import annotations

import typing as t

import jsonschema_rs
from singer_sdk.exceptions import InvalidJSONSchema
from singer_sdk.sinks.core import BaseJSONSchemaValidator

from target_extras.errors import InvalidRecordError

_MAX_REASON = 200


class RecordValidator(BaseJSONSchemaValidator):
    """Validates records of one stream against its Singer schema."""

    def __init__(self, schema: dict[str, t.Any], stream: str) -> None:
        """Compile the schema (offline: remote ``$ref`` are never fetched).

        Raises:
            InvalidJSONSchema: If the schema itself is not valid JSON Schema.
        """
        super().__init__(schema)
        self.stream = stream
        try:
            self._validator = jsonschema_rs.Draft202012Validator(
                schema, validate_formats=False, offline=True
            )
        except (jsonschema_rs.ValidationError, jsonschema_rs.ReferencingError, ValueError) as exc:
            first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            msg = f"stream '{stream}': the SCHEMA message is not valid JSON Schema ({first})."
            raise InvalidJSONSchema(msg) from None

    def validate(self, record: dict[str, t.Any]) -> None:
        """Check one record.

        Raises:
            InvalidRecordError: Naming the stream, the property path and what is wrong.
        """
        try:
            self._validator.validate(record)
        except jsonschema_rs.ValidationError as exc:
            path = "/".join(str(part) for part in exc.instance_path) or "(record)"
            reason = exc.message
            if len(reason) > _MAX_REASON:
                reason = reason[:_MAX_REASON] + "..."
            msg = (
                f"stream '{self.stream}': a record does not match the stream's schema at "
                f"'{path}': {reason}. Fix the tap or its schema; nothing of the pending batch "
                "was loaded."
            )
            raise InvalidRecordError(msg) from None
