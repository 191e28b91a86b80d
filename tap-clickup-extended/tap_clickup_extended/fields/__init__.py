"""Each stream's fields, declared once: one module per stream, each defining ``FIELDS``.

``model.py`` holds ``Field`` and ``StreamFields``; ``<stream>.py`` the declaration of one
stream (its JSON schema, staging names, types, descriptions, dbt tests, mechanical payload
paths). The stream classes take their ``schema`` from it; ``python -m tools.generate_fields``
(``make generate``) writes the staging column macro, the staging YAML and its column docs, and
the landing-table section of docs/data-contracts.md from it.

Imported by: the stream modules (``streams/*_streams.py``), ``tools.generate_fields``,
``tools.scaffold`` and tests.
"""

from __future__ import annotations

import importlib
import pkgutil
from functools import cache

from tap_clickup_extended.fields.model import GROUPS, Field, StreamFields

__all__ = ["GROUPS", "Field", "StreamFields", "declaration", "declarations"]


def declarations() -> list[StreamFields]:
    """Every stream's declaration, by stream name."""
    found: list[StreamFields] = []
    for module in pkgutil.iter_modules(__path__):
        if module.name == "model":
            continue
        declared = getattr(importlib.import_module(f"{__name__}.{module.name}"), "FIELDS", None)
        if isinstance(declared, StreamFields):
            found.append(declared)
    return sorted(found, key=lambda d: d.stream)


@cache
def declaration(stream: str) -> StreamFields | None:
    """The declaration of ``stream`` (``None`` for a stream that has none)."""
    return next((d for d in declarations() if d.stream == stream), None)
