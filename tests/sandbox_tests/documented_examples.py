"""ClickUp's own documented examples, read from the vendored OpenAPI definitions at test time.

Every ``example`` and ``examples`` entry of a definition's 200 response is ClickUp's word on what a
payload looks like. The tests in ``test_documented_examples.py`` feed them through the tap's and
the receiver's real code; nothing here is copied by hand, so a refreshed definition
(vendor/clickup-openapi/README.md) is what the tests check against.
"""

from __future__ import annotations

import copy
import json
from functools import cache
from typing import Any

from tests.sandbox_tests.schemas import definition_path


@cache
def definition(operation_id: str) -> dict[str, Any]:
    """One vendored definition (``gettask``: ``gettask.json``), parsed; a clear failure when it
    is missing."""
    loaded: dict[str, Any] = json.loads(definition_path(f"{operation_id}.json").read_text())
    return loaded


def _operation(filename: str) -> dict[str, Any]:
    (methods,) = definition(filename)["paths"].values()
    (operation,) = (v for k, v in methods.items() if k in ("get", "post", "put", "delete"))
    return dict(operation)


def response_examples(filename: str) -> list[Any]:
    """Every documented whole 200-response body: the media type's ``example`` and the schema's
    ``examples`` (ClickUp gives both, and they do not always agree)."""
    media = _operation(filename)["responses"]["200"]["content"]["application/json"]
    found: list[Any] = []
    if "example" in media:
        found.append(media["example"])
    found.extend(media.get("schema", {}).get("examples") or [])
    if not found:
        raise AssertionError(f"{filename} documents no example of its 200 response")
    return copy.deepcopy(found)  # the code under test may change what it is given


def schema_examples(filename: str, *path: str) -> list[Any]:
    """The ``examples`` of one node of the 200-response schema, reached by property names
    (``items`` steps into an array)."""
    node = _operation(filename)["responses"]["200"]["content"]["application/json"]["schema"]
    for step in path:
        node = node["items"] if step == "items" else node["properties"][step]
    examples = node.get("examples") or []
    if not examples:
        raise AssertionError(f"{filename}: no examples at {'/'.join(path)}")
    return copy.deepcopy(list(examples))


def parameter_description(filename: str, name: str) -> str:
    """The documented description of one query or path parameter."""
    for parameter in _operation(filename).get("parameters") or []:
        if parameter.get("name") == name:
            return str(parameter.get("description") or "")
    raise AssertionError(f"{filename} documents no parameter {name!r}")


def operation_description(filename: str) -> str:
    """The operation's documented description."""
    return str(_operation(filename).get("description") or "")
