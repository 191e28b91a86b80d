"""Errors a user can act on: printed as one line, without a traceback.

They subclass ``click.ClickException`` because singer-sdk runs the target inside a click
command: click catches these, prints them with ``show()`` and exits with ``exit_code``,
while any other exception (a genuine bug) keeps its traceback.
"""

from __future__ import annotations

import sys
import typing as t

import click
from singer_sdk.exceptions import MissingKeyPropertiesError, RecordsWithoutSchemaException


class ExtrasError(click.ClickException):
    """Base class: a problem in the configuration, the database or the input."""

    exit_code = 1
    #: The input line the error belongs to, set by the message reader (``None``: not input).
    line_number: int | None = None

    def format_message(self) -> str:
        """The message, prefixed with ``input line <n>:`` when the error names an input line."""
        if self.line_number is None or self.message.startswith("input line"):
            return self.message
        return f"input line {self.line_number}: {self.message}"

    def __str__(self) -> str:
        """The same text as the printed error (run logs record it)."""
        return self.format_message()

    def show(self, file: t.IO[t.Any] | None = None) -> None:
        """Print ``target-extras: error: <message>`` to stderr."""
        stream = file or sys.stderr
        stream.write(f"target-extras: error: {self.format_message()}\n")
        stream.flush()


class ConnectionFailedError(ExtrasError):
    """PostgreSQL cannot be reached with the configured ``database_url``."""


class AirbyteGuardError(ExtrasError):
    """A write would touch a schema or table that belongs to Airbyte."""


class SchemaEvolutionError(ExtrasError):
    """A stream's new schema cannot be applied to its existing landing table."""


class InvalidRecordError(ExtrasError):
    """A record cannot be landed (for example a null key property)."""


class InvalidInputError(ExtrasError):
    """The input is not valid Singer: bad JSON, unknown stream, a record that breaks its schema."""


class UnknownStreamError(InvalidInputError, RecordsWithoutSchemaException):
    """A RECORD for a stream that had no SCHEMA message before it."""


class MissingKeyError(InvalidInputError, MissingKeyPropertiesError):
    """A RECORD without one of its stream's key properties."""


class BatchRejectedError(ExtrasError):
    """PostgreSQL refused a value of a batch; the batch was rolled back."""
