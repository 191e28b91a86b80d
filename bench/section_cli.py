"""The command line every benchmark section shares.

``python -m bench.<section> --size small`` runs that one section: its table on stderr (the
same table ``make bench`` prints), its JSON on stdout.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from typing import Any

from bench.report_table import section_table
from bench.sizes import SIZES


def run_section_cli(
    measure: Callable[[str], dict[str, Any]], doc: str | None, argv: list[str] | None = None
) -> int:
    """Parse ``--size``, run ``measure(size)``, print the table and the JSON; the exit code."""
    parser = argparse.ArgumentParser(description=(doc or "").strip().splitlines()[0])
    parser.add_argument("--size", choices=SIZES, default="small")
    args = parser.parse_args(argv)
    section = measure(args.size)
    print(section_table(section), file=sys.stderr)
    print(json.dumps(section, indent=2))
    return 0
