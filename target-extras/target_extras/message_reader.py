"""Reads Singer messages from the input: msgspec decoding, NUL repair, input errors as one line.

singer-sdk's default reader decodes with the standard library (``json.loads`` with ``Decimal``
floats), about three times slower than msgspec, which singer-sdk itself offers as an optional
reader (``singer_sdk.contrib.msgspec``). This reader decodes the same way (floats as
``Decimal``, so no precision is lost) and adds what a loader needs from the reader:

- the line number of every message, so input errors can say where they are;
- NUL characters (``\\u0000``) removed from RECORD values and keys, because PostgreSQL text and
  jsonb cannot store them; the count travels with the message (``NUL_COUNT_KEY``). Only lines
  whose raw text holds the escape are walked;
- lone UTF-16 surrogate escapes (``\\ud800`` without its pair), which msgspec refuses as a
  whole line, replaced by U+FFFD in the raw line and decoded again; the count travels with the
  message (``SURROGATE_COUNT_KEY``), like NUL's;
- a value nested deeper than the decoder can follow is one line naming the input line and the
  limit, not a ``RecursionError``;
- input problems (invalid JSON, a message without ``type``, an unknown type, a record of a
  stream that had no SCHEMA, a record that breaks its schema) end the run with one line
  ``target-extras: error: ...`` instead of a traceback.
"""

from __future__ import annotations

import decimal
import sys
import typing as t

import msgspec
from singer_sdk.exceptions import (
    InvalidJSONSchema,
    InvalidRecord,
    MissingKeyPropertiesError,
    RecordsWithoutSchemaException,
)
from singer_sdk.singerlib.encoding.base import GenericSingerReader
from singer_sdk.singerlib.exceptions import InvalidInputLine

from target_extras.errors import (
    InvalidInputError,
    InvalidRecordError,
    MissingKeyError,
    UnknownStreamError,
)
from target_extras.record_hash import NulCounter, strip_nul
from target_extras.surrogates import repair_lone_surrogates

NUL_COUNT_KEY = "_extras_nul_removed"
SURROGATE_COUNT_KEY = "_extras_surrogates_replaced"
_decoder = msgspec.json.Decoder(float_hook=decimal.Decimal)
# singer-sdk's input exceptions → ours (one line, no traceback; still the singer-sdk type).
_INPUT_ERRORS: dict[type[Exception], type[InvalidInputError]] = {
    RecordsWithoutSchemaException: UnknownStreamError,
    MissingKeyPropertiesError: MissingKeyError,
    InvalidRecord: InvalidInputError,
    InvalidJSONSchema: InvalidInputError,
    InvalidInputLine: InvalidInputError,
}


class MessageReader(GenericSingerReader[t.Any]):
    """Singer messages, one JSON object a line, from standard input (bytes) or a file."""

    @property
    def default_input(self) -> t.IO[bytes]:
        """Standard input as bytes: msgspec decodes UTF-8 itself."""
        return sys.stdin.buffer

    def __init__(self) -> None:
        """Start before the first line."""
        super().__init__()
        self.line_number = 0

    def deserialize_json(self, line: str | bytes) -> dict:
        """Decode one line; repair NUL characters and lone surrogates in RECORD messages.

        Raises:
            InvalidInputError: If the line is not a JSON object, or nests too deep.
        """
        replaced = 0
        try:
            message = self._decode(line)
        except msgspec.DecodeError as exc:
            repaired, replaced = repair_lone_surrogates(line)
            if not replaced:
                msg = f"input line {self.line_number} is not valid JSON ({exc})."
                raise InvalidInputError(msg) from None
            try:
                message = self._decode(repaired)
            except msgspec.DecodeError as again:
                msg = f"input line {self.line_number} is not valid JSON ({again})."
                raise InvalidInputError(msg) from None
        if not isinstance(message, dict):
            msg = f"input line {self.line_number} is not a JSON object."
            raise InvalidInputError(msg)
        if message.get("type") != "RECORD":
            return message
        if replaced:
            message[SURROGATE_COUNT_KEY] = replaced
        has_nul = (b"\\u0000" in line) if isinstance(line, bytes) else ("\\u0000" in line)
        if has_nul:
            counter = NulCounter()
            message["record"] = strip_nul(message.get("record"), counter)
            message[NUL_COUNT_KEY] = counter.removed
        return message

    def _decode(self, line: str | bytes) -> t.Any:
        try:
            return _decoder.decode(line)
        except RecursionError:
            raise InvalidInputError(too_deep(self.line_number)) from None

    def process_lines(
        self,
        file_input: t.IO[t.Any] | None,
        callbacks: dict[str, t.Callable[[dict], None]],
    ) -> t.Counter[str]:
        """Process every line; input errors become one-line errors naming the line.

        Raises:
            InvalidInputError: For a problem in the input itself.
        """
        stats: dict[str, int] = {}
        for line in file_input or self.default_input:
            self.line_number += 1
            if not line.strip():
                continue
            message = self.deserialize_json(line)
            kind = message.get("type")
            callback = callbacks.get(kind) if isinstance(kind, str) else None
            if callback is None:
                msg = (
                    f"input line {self.line_number}: unknown or missing message type {kind!r} "
                    "(expected SCHEMA, RECORD, STATE or ACTIVATE_VERSION)."
                )
                raise InvalidInputError(msg)
            try:
                callback(message)
            except RecursionError:
                raise InvalidInputError(too_deep(self.line_number)) from None
            except (InvalidInputError, InvalidRecordError) as exc:
                if exc.line_number is None:
                    exc.line_number = self.line_number
                raise
            except tuple(_INPUT_ERRORS) as exc:
                error_class = next(v for k, v in _INPUT_ERRORS.items() if isinstance(exc, k))
                raise error_class(describe_input_error(exc, self.line_number)) from None
            stats[str(kind)] = stats.get(str(kind), 0) + 1
        return t.Counter(stats)


def too_deep(line_number: int) -> str:
    """The one line for a value nested deeper than Python's recursion limit allows."""
    return (
        f"input line {line_number}: a value is nested deeper than the limit of about "
        f"{sys.getrecursionlimit()} levels (Python's recursion limit); flatten or drop that "
        "property in the tap."
    )


def describe_input_error(exc: Exception, line_number: int) -> str:
    """A one-line description of a singer-sdk input exception."""
    reason = " ".join(str(exc.args[0] if exc.args else exc).split())
    if len(reason) > 300:
        reason = reason[:300] + "..."
    return f"input line {line_number}: {reason}"
