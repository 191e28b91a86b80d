"""Stopping when the reader of standard output is gone (the target exited, ``| head``).

Python ignores SIGPIPE, so a write to a closed pipe raises ``BrokenPipeError``; left alone it
ends in a traceback, and the interpreter's final flush of ``sys.stdout`` prints a second one
("Exception ignored ... BrokenPipeError"). The tap stops instead with one line and exit code 1:
nothing more is requested from ClickUp once nobody reads the records.
"""

from __future__ import annotations

import contextlib
import os
import sys
import typing as t


def stop_on_closed_output(cli_name: str) -> t.NoReturn:
    """Point stdout at /dev/null (so the final flush is silent), print one line, exit 1."""
    with contextlib.suppress(OSError, ValueError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    with contextlib.suppress(OSError):
        sys.stderr.write(
            f"{cli_name}: error: standard output was closed (the target stopped reading); "
            "stopping. See the target's error for why.\n"
        )
        sys.stderr.flush()
    sys.exit(1)
