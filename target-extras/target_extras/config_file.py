"""Reads the ``--config`` files: a file that is missing, empty, not JSON or not an object is one line.

singer-sdk reads them with ``read_json_file``, whose errors (``JSONDecodeError``, an ``AttributeError``
for a JSON array) end in a traceback of 30 to 46 lines. The text of a file is never echoed: it may
hold a password or a token.

The tap-clickup-extended package has a module of the same job: each plugin installs and runs on its own,
so neither imports the other (a shared third package for a few lines is not worth its release).
"""

from __future__ import annotations

import json
import sys
import typing as t
from pathlib import Path

import click
from singer_sdk.plugin_base import _ConfigInput

__all__ = ["read_config_files"]


def _problem(path: str) -> str | dict[str, t.Any]:
    """The file's settings, or what is wrong with it."""
    file = Path(path)
    if not file.is_file():
        return "does not exist (or is not a file): pass the path of a JSON settings file"
    try:
        text = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) else "it is not UTF-8 text"
        return f"cannot be read ({reason})"
    if not text.strip():
        return "is empty: it must hold a JSON object of settings, e.g. {}"
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:  # its message names the position, never the content
        return f"is not valid JSON ({exc.msg} at line {exc.lineno} column {exc.colno})"
    if not isinstance(value, dict):
        kind = (
            "a JSON array"
            if isinstance(value, list)
            else "a JSON string"
            if isinstance(value, str)
            else "a JSON scalar"
        )
        return f"is {kind}, not an object: it must hold a JSON object of settings"
    return value


def read_config_files(cli_name: str, ctx: click.Context, paths: tuple[str, ...]) -> _ConfigInput:
    """singer-sdk's ``_ConfigInput`` of ``--config`` values; a bad file exits with one line."""
    config: dict[str, t.Any] = {}
    parse_env = False
    for path in paths:
        if path == "ENV":
            parse_env = True
            continue
        settings = _problem(path)
        if isinstance(settings, str):
            sys.stderr.write(f"{cli_name}: error: config file {path} {settings}.\n")
            sys.stderr.flush()
            ctx.exit(1)
        config |= settings
    return _ConfigInput(config=config, parse_env=parse_env)
